import { ConfigError, parseServerConfig, USAGE } from './config';
import { startServer } from './server-main';

// `npm run server -- ...`: the reference backend, with graceful shutdown on SIGINT/SIGTERM.
async function main(): Promise<void> {
  let config;
  try {
    config = parseServerConfig(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof ConfigError || e instanceof TypeError ? e.message : e);
    console.error(USAGE);
    process.exit(2);
  }
  if (config === 'help') {
    console.log(USAGE);
    return;
  }
  const server = await startServer(config);
  // Tests and scripts wait for exactly this line.
  console.log(`listening on ${server.url}`);

  const shutdown = (signal: string) => {
    console.log(`${signal}: shutting down`);
    const force = setTimeout(() => {
      console.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  // A refusal to start is one plain line (with its cause); anything else with its stack.
  console.error(e instanceof Error && e.message.startsWith('Refusing to start') ? e.message : e);
  process.exit(1);
});
