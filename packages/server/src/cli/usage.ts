/** A command line Pulse cannot act on; printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: pulse <command> [options]

Commands:
  serve                               run the server (port 7655, data in ./data by default)
  serve --demo                        the same with a simulated Proxmox VE cluster, Backup Server
                                      and Mail Gateway on loopback, data in a temporary directory
  worker [--name N]                   run uptime checks from the Redis queue (needs redis_url; the
                                      servers enqueue, workers check; SIGTERM finishes running ones)
  token create --name N --scopes a,b  create an API token and print it (only the token)
        [--user USERNAME] [--expires-days D]
  user add --username N --password-stdin [--role admin|viewer]
                                      add a user (or --password P, visible to other local users)
  db stats [--json]                   series, bytes per tier and bytes written per hour of the
                                      metric history (safe while the server runs)

Options:
  -h, --help      show this help
  -v, --version   print the version

Configuration: pulse.toml (or PULSE_CONFIG) and PULSE_* environment variables; see the README.`;
