export { readAnswer, type Answer } from './read-answer.js';
export { DROPPED, droppedProblems, listOf, num, numOrNA, optFlag, optNum, optText, text } from './coerce.js';
export * from './pve-cluster.js';
export * from './pve-guests.js';
export * from './pve-storage.js';
export * from './pbs.js';
export * from './pmg.js';
