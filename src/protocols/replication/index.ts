import type { ProtocolModule } from '../../sim/types';
import { antientropy } from './antientropy';
import { chain } from './chain';
import { dynamo } from './dynamo';
import { multimaster } from './multimaster';
import { primaryBackup } from './primarybackup';

/** The replication strategies of issue 7, in the order the registry lists them. */
export const REPLICATION_PROTOCOLS: readonly ProtocolModule[] = [
  primaryBackup,
  chain,
  dynamo,
  multimaster,
  antientropy,
];
