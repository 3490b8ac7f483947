/** Reported to the server on enrolment and in every report; a test keeps it equal to package.json. */
export const AGENT_VERSION = '0.1.0';
