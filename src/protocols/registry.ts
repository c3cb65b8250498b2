import type { ProtocolModule } from '../sim/types';
import { broadcast } from './broadcast';
import { CRDT_PROTOCOLS } from './crdt';
import { multipaxos } from './multipaxos';
import { paxos } from './paxos';
import { pbft } from './pbft';
import { raft } from './raft';
import { REPLICATION_PROTOCOLS } from './replication';
import { zab } from './zab';

/** Every protocol the app and the CLI offer, in the order they are listed. */
const PROTOCOLS: readonly ProtocolModule[] = [
  raft,
  paxos,
  multipaxos,
  zab,
  pbft,
  ...CRDT_PROTOCOLS,
  ...REPLICATION_PROTOCOLS,
  broadcast,
];

export function listProtocols(): readonly ProtocolModule[] {
  return PROTOCOLS;
}

export function getProtocol(id: string): ProtocolModule | undefined {
  return PROTOCOLS.find((module) => module.id === id);
}

export function protocolIds(): string[] {
  return PROTOCOLS.map((module) => module.id);
}
