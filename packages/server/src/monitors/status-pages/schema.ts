// The status-page answers are wire types: they live in protocol with the rest.
export { StatusPage, StatusPageView, UptimeRange, overallStates, uptimeRanges } from '@pulse/protocol';
