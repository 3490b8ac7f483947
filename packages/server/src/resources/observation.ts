import type { Resource } from '@pulse/protocol';

/** A resource as a source reports it; the registry stamps `lastSeen` and works out the diff. */
export type ObservedResource = Omit<Resource, 'lastSeen'>;

/**
 * What one source run saw. `resources` are complete descriptions of what the source owns; anything
 * the source owned before and no longer reports is removed when `complete` is true.
 */
export interface Observation {
  source: string;
  at: number;
  resources: ObservedResource[];
  complete: boolean;
}

export type ObservationSink = (observation: Observation) => void;

/** Something that watches part of the world and reports observations until stopped. */
export interface Source {
  readonly id: string;
  start(sink: ObservationSink): void;
  stop(): void;
}
