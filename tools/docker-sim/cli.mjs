#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createDockerSimulator } from './simulator.mjs';
import { simulatedFleet } from './fleet.mjs';

const usage = `Docker Engine API simulator (test and benchmark double; see tools/docker-sim/README.md)

  node tools/docker-sim/cli.mjs [--socket PATH] [--port N [--host H] [--tls]] [options]

  --socket PATH          listen on a unix socket
  --port N               listen on TCP (0 picks a free port); --host defaults to 127.0.0.1
  --tls                  mutual TLS on the TCP port with the test certificates in certs/
  --containers N         simulated containers (default 50)
  --flavour docker|podman
  --api-version V        highest API version the engine speaks (default 1.47; podman 1.41)
  --min-api-version V    lowest it accepts (default 1.24)
  --cgroup v1|v2         stats shape (default v2)
  --stats-delay-ms N     every stats answer waits this long
  --churn-ms N           every N ms one container crashes and its restart policy restarts it
  --cgroups              each running container gets a real process in a real cgroup (docker/<id>,
                         as dockerd's cgroupfs driver), reported as State.Pid; root only
`;

const { values } = parseArgs({
  options: {
    socket: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    tls: { type: 'boolean', default: false },
    containers: { type: 'string', default: '50' },
    flavour: { type: 'string', default: 'docker' },
    'api-version': { type: 'string' },
    'min-api-version': { type: 'string' },
    cgroup: { type: 'string', default: 'v2' },
    'stats-delay-ms': { type: 'string' },
    'churn-ms': { type: 'string' },
    cgroups: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || (!values.socket && values.port === undefined)) {
  process.stdout.write(usage);
  process.exit(values.help ? 0 : 2);
}

const sim = createDockerSimulator({
  engine: { flavour: values.flavour === 'podman' ? 'podman' : 'docker', apiVersion: values['api-version'], minApiVersion: values['min-api-version'] },
  cgroup: values.cgroup === 'v1' ? 'v1' : 'v2',
  containers: simulatedFleet(Number(values.containers)),
  cgroups: values.cgroups,
});
if (values['stats-delay-ms']) sim.inject({ route: 'stats', kind: 'delay', ms: Number(values['stats-delay-ms']) });

const addresses = [];
if (values.socket) addresses.push(await sim.listen({ socketPath: values.socket }));
if (values.port !== undefined) addresses.push(await sim.listen({ port: Number(values.port), host: values.host, tls: values.tls }));
const withCgroups = values.cgroups ? ', containers in real cgroups' : '';
for (const { url } of addresses) process.stdout.write(`docker-sim: ${sim.engine.flavour} ${sim.engine.version} (API ${sim.engine.apiVersion})${withCgroups} listening on ${url}\n`);

let churn;
if (values['churn-ms']) {
  let next = 0;
  churn = setInterval(() => {
    const ids = sim.containerIds();
    if (ids.length) sim.crashAndRestart(ids[next++ % ids.length], { exitCode: 1 });
  }, Number(values['churn-ms']));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    clearInterval(churn);
    await sim.close();
    process.exit(0);
  });
}
