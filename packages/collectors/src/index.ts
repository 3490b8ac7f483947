// Docker Engine API collector (containers, events) — issue 5.
export * from './docker/index.js';

// Host collector: this machine from /proc, /sys and statfs, shared by the server's local source and pulse-agent.
export { createHostCollector } from './host/host-collector.js';
export type { HostCollector, HostCollectorLogger, HostCollectorOptions, ObservedHost } from './host/host-collector.js';
export { readDmiUuid, readHostname, readMachineId } from './host/host-identity.js';
export type { Statfs, StatfsResult, FilesystemUsage } from './host/filesystems.js';
export type { DiskUsage } from './host/disks.js';
export type { InterfaceUsage } from './host/interfaces.js';
export type { ProcessCounts } from './host/processes.js';
export type { TemperatureReading } from './host/temperatures.js';
export type { TopProcess, TopProcesses } from './host/top-processes.js';

// A lean keep-alive HTTP/1.1 client connection: the Docker collector's GETs and pulse-agent's reports.
export { Http1Connection } from './http/http1-connection.js';
export type { Http1Answer, Http1ConnectionOptions, Http1Failure, Http1Request } from './http/http1-connection.js';
