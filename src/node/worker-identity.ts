// How a worker names itself by default: the host and the process, unique among live workers.
import { hostname } from 'node:os';

/** `<hostname>-<pid>`. */
export const defaultWorkerName = (): string => `${hostname()}-${process.pid}`;
