// Open311 GeoReport v2 for existing civic apps (issue 7). The lead mounts it with
//   app.use('/open311/v2', createOpen311Router(deps));
// before the bearer-token middleware: Open311 clients authenticate with an api_key.
export { createOpen311Router, GEOREPORT_V2_SPEC, MAX_RESULTS, MAX_WINDOW_DAYS } from './router';
export { issueClient, rotateClientKey, deactivateClient, generateApiKey, authenticateClient } from './clients';
