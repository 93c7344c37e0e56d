// Imported before @apollo/gateway and @apollo/server: with telemetry on, the gateway probes cloud
// metadata addresses and reports usage to Apollo, and this system calls only its own services.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

export const TELEMETRY_DISABLED = true;
