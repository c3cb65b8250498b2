import { shortDigest } from './digest';
import type { PbftMsg, Request } from './types';

/** A request as people read it: "c2#5 put x". */
export function describeRequest(request: Request | null): string {
  if (request === null) return 'null request';
  return `c${request.client}#${request.seq} ${request.f} ${request.key}`;
}

/** A one-line label for a message (the cluster view, the space-time diagram, the sends log). */
export function labelMessage(msg: PbftMsg): string {
  switch (msg.type) {
    case 'REQUEST':
      return `REQUEST ${describeRequest(msg.request)}`;
    case 'PRE-PREPARE':
      return `PRE-PREPARE v${msg.view} n${msg.n} ${describeRequest(msg.request)} d=${shortDigest(msg.digest)}`;
    case 'PREPARE':
    case 'COMMIT':
      return `${msg.type} v${msg.view} n${msg.n} d=${shortDigest(msg.digest)}`;
    case 'CHECKPOINT':
      return `CHECKPOINT n${msg.n} d=${shortDigest(msg.digest)}`;
    case 'VIEW-CHANGE':
      return `VIEW-CHANGE v${msg.view} (stable ${msg.n}, ${msg.prepared.length} prepared)`;
    case 'NEW-VIEW':
      return `NEW-VIEW v${msg.view} (${msg.prePrepares.length} pre-prepares)`;
    case 'STATUS':
      return `STATUS v${msg.view}${msg.viewChanging ? ' (changing)' : ''} h${msg.h} exec ${msg.executed}`;
    case 'DATA':
      return `DATA n${msg.n} d=${shortDigest(msg.digest)}`;
  }
}
