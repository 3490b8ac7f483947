export { agentContainerId, agentHostId, agentSource, containerStatus, reportToObservation, type ReportContext } from './normalize.js';
