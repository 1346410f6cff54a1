/**
 * `npm run -s cardlab -- serve|insert|remove|status|fault`: the card lab for people and other tools.
 *
 *   serve [--profile P] [person options]   start the lab in the foreground with a card in reader 0,
 *                                          print one JSON line, run until SIGINT/SIGTERM
 *   insert --profile P [--reader R] [--pin-tries N] [--puk-tries N] [person options]
 *   remove [--reader R]
 *   status
 *   fault --on sign|verify|any --action disconnect|stall [--reader 0|1|2]   (or: fault --clear)
 *   revocation [--ocsp up|unknown|down] [--crl up|down]   the OCSP responder / CRL server of the lab's cards
 *
 * R: 0, 1, 2 (the impostor reader "Microsoft Virtual Smart Card 00 00") or a reader's name ("Virtual PCD 00 01"); each reader holds its own card.
 * Person options: --given-name, --surname, --hsa-id, --organisation (defaults: the lab person).
 * insert/remove/status/fault print the lab status as one JSON line.
 */
import { parseArgs } from 'node:util';
import { callControl, type ControlServer } from './control.js';
import { isProfileName, LAB_PERSON, type CardProfileName, type LabPerson } from './profiles.js';

const options = {
  profile: { type: 'string' },
  reader: { type: 'string' },
  'pin-tries': { type: 'string' },
  'puk-tries': { type: 'string' },
  'given-name': { type: 'string' },
  surname: { type: 'string' },
  'hsa-id': { type: 'string' },
  organisation: { type: 'string' },
  on: { type: 'string' },
  action: { type: 'string' },
  clear: { type: 'boolean' },
  ocsp: { type: 'string' },
  crl: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function profileOf(values: Values, fallback?: CardProfileName): CardProfileName {
  const p = values.profile ?? fallback;
  if (!p) throw new Error('--profile is required');
  if (!isProfileName(p)) throw new Error(`unknown profile "${p}"`);
  return p;
}

/** --reader 0|1|2 (2: the impostor reader), or a lab reader's name ("Virtual PCD 00 01"); the lab checks the name. */
function readerOf(values: Values): 0 | 1 | 2 | string | undefined {
  if (values.reader === undefined) return undefined;
  if (values.reader === '0' || values.reader === '1' || values.reader === '2') return Number(values.reader) as 0 | 1 | 2;
  if (!values.reader.trim()) throw new Error('--reader must be 0, 1, 2 or a lab reader name');
  return values.reader;
}

/** --pin-tries / --puk-tries: the card's retry counters at insertion, instead of the profile's. */
function triesOf(values: Values): { pinTriesLeft?: number; pukTriesLeft?: number } {
  const out: { pinTriesLeft?: number; pukTriesLeft?: number } = {};
  for (const [flag, key] of [
    ['pin-tries', 'pinTriesLeft'],
    ['puk-tries', 'pukTriesLeft'],
  ] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (!/^[0-3]$/.test(raw)) throw new Error(`--${flag} must be 0, 1, 2 or 3`);
    out[key] = Number(raw);
  }
  return out;
}

function personOf(values: Values): LabPerson | undefined {
  if (!values['given-name'] && !values.surname && !values['hsa-id'] && !values.organisation) return undefined;
  return {
    givenName: values['given-name'] ?? LAB_PERSON.givenName,
    surname: values.surname ?? LAB_PERSON.surname,
    hsaId: values['hsa-id'] ?? LAB_PERSON.hsaId,
    organisation: values.organisation ?? LAB_PERSON.organisation,
  };
}

async function serve(values: Values): Promise<void> {
  const profile = profileOf(values, 'valid');
  const person = personOf(values);
  // Loaded only here: the client commands stay quick to start.
  const { startCardLab } = await import('./lab.js');
  const { startControlServer } = await import('./control.js');
  const lab = await startCardLab({ profile, ...(person ? { person } : {}) });
  let control: ControlServer | null = null;
  let stopping: Promise<void> | null = null;
  const shutdown = (code: number): Promise<void> => {
    stopping ??= (async () => {
      await control?.close().catch(() => undefined);
      await lab.stop().catch((err: unknown) => process.stderr.write(`cardlab: stop failed: ${String(err)}\n`));
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  try {
    control = await startControlServer(lab);
  } catch (err) {
    process.stderr.write(`cardlab: ${err instanceof Error ? err.message : String(err)}\n`);
    await shutdown(1);
    return;
  }
  process.stdout.write(
    JSON.stringify({
      pkcs11Module: lab.pkcs11Module,
      reader: lab.readers[0],
      readers: lab.readers,
      pin: lab.pin,
      hsaId: lab.hsaId,
      // What the app needs: the setting trustAnchors takes this one file (root and intermediate).
      caCertificates: lab.caCertificatesPath,
      ocspUrl: lab.revocation.ocspUrl,
      crlUrl: lab.revocation.crlUrl,
      appEnv: {
        BEHORIGHETSADMIN_PKCS11_MODULE: lab.pkcs11Module,
        BEHORIGHETSADMIN_TRUST_ANCHORS: lab.caCertificatesPath,
        OPENSC_CONF: lab.openscConf,
      },
      profile,
      controlUrl: control.info.url,
      controlPort: control.info.port,
      pid: process.pid,
    }) + '\n',
  );
  // Keep running until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options, allowPositionals: true, strict: true });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(
      'usage: cardlab serve [--profile P] | insert --profile P [--reader 0|1|2|NAME] [--pin-tries N] [--puk-tries N] | remove [--reader 0|1|2|NAME] | status | ' +
        'fault --on sign|verify|any --action disconnect|stall | fault --clear | ' +
        'revocation [--ocsp up|unknown|down] [--crl up|down]\n',
    );
    return;
  }
  let result: unknown;
  switch (command) {
    case 'serve':
      await serve(values);
      return;
    case 'insert': {
      const person = personOf(values);
      const reader = readerOf(values);
      result = await callControl('POST', '/insert', {
        profile: profileOf(values),
        ...triesOf(values),
        ...(person ? { person } : {}),
        ...(reader === undefined ? {} : { reader }),
      });
      break;
    }
    case 'remove': {
      const reader = readerOf(values);
      result = await callControl('POST', '/remove', reader === undefined ? {} : { reader });
      break;
    }
    case 'status':
      result = await callControl('GET', '/status');
      break;
    case 'revocation':
      result = await callControl('POST', '/revocation', {
        ...(values.ocsp === undefined ? {} : { ocsp: values.ocsp }),
        ...(values.crl === undefined ? {} : { crl: values.crl }),
      });
      break;
    case 'fault': {
      const reader = readerOf(values);
      const fault = values.clear ? null : { on: values.on, action: values.action };
      result = await callControl('POST', '/fault', { fault, ...(reader === undefined ? {} : { reader }) });
      break;
    }
    default:
      throw new Error(`unknown command "${command}"`);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`cardlab: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
