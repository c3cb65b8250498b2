import { scaleOrdinal, schemeTableau10 } from 'd3';

/** One colour per message type, shared by every view (cluster, space-time, charts). */
export const messageColor = scaleOrdinal<string, string>(schemeTableau10);
