export { createDockerSimulator } from './simulator.mjs';
export { simulatedFleet } from './fleet.mjs';
export { testCerts } from './certs.mjs';
export { containerIdFor, countersAt } from './sim-container.mjs';
export { startTestEngine } from './testing.mjs';
export { cgroupsUnavailable } from './cgroup-procs.mjs';
