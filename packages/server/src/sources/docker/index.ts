export { createDockerSource } from './docker-source.js';
export type { DockerSource, DockerSourceOptions } from './docker-source.js';
export { containerStatus, engineStatus } from './docker-resources.js';
export { dockerSourcesFromConfig } from './from-config.js';
