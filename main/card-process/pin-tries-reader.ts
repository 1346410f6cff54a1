import { Context, SCARD_LEAVE_CARD, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1, SCARD_SHARE_SHARED } from 'smartcard';
import type { PinState } from '../../common/card/card-state';

/**
 * The PIN (and PUK) retry counters read from the card itself over PC/SC, before any PIN is typed:
 * SELECT of the PIV application, then VERIFY without data (ISO 7816-4: the card answers `63 Cx` with
 * x tries left, `69 83` when blocked). Only after a successful SELECT of the PIV application: a
 * VERIFY without data on an unknown application could count as an attempt on some cards.
 */
export interface CardTries {
  /** PIN tries left, or null when the card did not say (not PIV, already verified, busy). */
  pin: number | null;
  /** PUK tries left, or null when the card did not say (a strict PIV card does not). */
  puk: number | null;
}

/** SELECT of the PIV application (NIST SP 800-73-4), with Le. */
export const SELECT_PIV = Buffer.from('00A4040009A00000030800001000' + '00', 'hex');
/** VERIFY without data: the status of the PIV application PIN (80) and of the PUK (81). */
export const VERIFY_PIN_STATUS = Buffer.from('00200080', 'hex');
export const VERIFY_PUK_STATUS = Buffer.from('00200081', 'hex');

const NO_TRIES: CardTries = { pin: null, puk: null };

/** The status word at the end of a response APDU. */
export function statusWord(response: Uint8Array): number {
  if (response.length < 2) return 0;
  return (response[response.length - 2]! << 8) | response[response.length - 1]!;
}

/**
 * The retry counter a VERIFY-without-data answer states: `63 Cx` → x, `69 83` → 0; anything else
 * (`90 00` already verified, `6A 88` no such reference, errors) → null. Never a guess.
 */
export function triesFromStatus(sw: number): number | null {
  if ((sw & 0xfff0) === 0x63c0) return sw & 0x0f;
  if (sw === 0x6983) return 0;
  return null;
}

/** The part of a connected card the reader needs (the `smartcard` binding's Card). */
export interface ApduCard {
  transmit(command: Buffer): Promise<Buffer>;
  disconnect(disposition?: number): void;
}

/** The part of a PC/SC context the reader needs. */
export interface TriesContext {
  listReaders(): { name: string; connect(shareMode?: number, protocol?: number): Promise<ApduCard> }[];
  close(): void;
}

/** Ask an already connected card for its counters. */
export async function queryTries(card: Pick<ApduCard, 'transmit'>): Promise<CardTries> {
  const select = statusWord(await card.transmit(SELECT_PIV));
  if (select !== 0x9000 && (select & 0xff00) !== 0x6100) return NO_TRIES;
  const pin = triesFromStatus(statusWord(await card.transmit(VERIFY_PIN_STATUS)));
  const puk = triesFromStatus(statusWord(await card.transmit(VERIFY_PUK_STATUS)));
  return { pin, puk };
}

/**
 * Read the counters of the card in `readerName` over a shared connection (the PKCS#11 middleware
 * keeps its own), leaving the card as it was. Any failure — no such reader, the card gone, another
 * program holding the card in a transaction — gives nulls, never an error.
 *
 * The `smartcard` binding has no SCardBeginTransaction: the three commands are not wrapped in one
 * transaction. They change no card state (the PIV application is the one OpenSC selects too), and
 * in the card process they run on the PKCS#11 queue, so this process's own middleware never
 * interleaves with them; pcsc-lite refuses a command while another program holds a transaction.
 */
export async function readCardTries(
  readerName: string,
  createContext: () => TriesContext = () => new Context() as unknown as TriesContext,
): Promise<CardTries> {
  let context: TriesContext | null = null;
  let card: ApduCard | null = null;
  try {
    context = createContext();
    const reader = context.listReaders().find((candidate) => candidate.name === readerName);
    if (!reader) return NO_TRIES;
    card = await reader.connect(SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1);
    return await queryTries(card);
  } catch {
    return NO_TRIES;
  } finally {
    try {
      card?.disconnect(SCARD_LEAVE_CARD);
    } catch {
      // The card is gone.
    }
    try {
      context?.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * The PIN state with the card's own counters where it gave them: an exact count from the card wins;
 * else the token's flags (locked = 0, final try = 1); else null ("low" or "unknown" is the
 * renderer's to say from `countLow`).
 */
export function withCardTries(pin: PinState, card: CardTries): PinState {
  if (card.pin !== null) {
    return {
      ...pin,
      triesLeft: card.pin,
      locked: card.pin === 0,
      finalTry: card.pin === 1,
      triesSource: 'card',
      pukTriesLeft: card.puk,
    };
  }
  return {
    ...pin,
    triesSource: pin.triesLeft === null ? null : 'token-flags',
    pukTriesLeft: card.puk,
  };
}
