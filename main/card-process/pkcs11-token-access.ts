import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import type { ModuleState, PinState, SignatureAlgorithm, SlotError, TokenState } from '../../common/card/card-state';
import { CardError, fromPkcs11Error } from './card-errors';
import { summariseCertificate } from './certificate-summary';
import type { TrustStore } from './trust-store';

const CKF_TOKEN_PRESENT = 0x1;
const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
const CKF_USER_PIN_COUNT_LOW = 0x10000;
const CKF_USER_PIN_FINAL_TRY = 0x20000;
const CKF_USER_PIN_LOCKED = 0x40000;

// DER prefix of DigestInfo for SHA-256 (RFC 8017, section 9.2): RSA PKCS#1 v1.5 signs this plus the hash.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export interface TokenAccessOptions {
  modulePath: string;
  trustStore: TrustStore;
  now: () => Date;
  /** Days before its end a certificate counts as expiring (expiryWarningDays; default 30). */
  expiryWarningDays?: number;
}

export interface SignRequest {
  slotId: string;
  /** SHA-256 of the certificate the user saw: a different card in the slot is refused. */
  certificateSha256: string;
  /** The bytes to sign (for login: SHA-256(origin) ‖ SHA-256(nonce)); hashed with SHA-256 here. */
  data: Uint8Array;
  pin: string;
}

/** What one read of every slot found: the tokens read, and the slots that could not be read. */
export interface SlotsRead {
  tokens: TokenState[];
  slotErrors: SlotError[];
}

export interface SignResult {
  algorithm: SignatureAlgorithm;
  /** RS256: PKCS#1 v1.5; ES256: raw r ‖ s (as PKCS#11 returns it, and as JWS uses it). */
  signature: Uint8Array;
  certificateDer: Uint8Array;
}

/** A PUK attempt's PKCS#11 answer in the PUK's words: a wrong PUK is not a wrong PIN. */
function unblockError(mapped: CardError): CardError {
  if (mapped.code === 'pin-incorrect') return new CardError('puk-incorrect', mapped.details);
  // CKR_PIN_LOCKED: a blocked PUK, or a middleware that took the call for a PIN change of the locked
  // PIN; the card process tells them apart with the card's own PUK counter.
  if (mapped.code === 'pin-locked') return new CardError('pin-unblock-unavailable', { ...mapped.details, reason: 'locked' });
  if (mapped.code === 'pin-length') return new CardError('pin-change-refused', mapped.details);
  return mapped;
}

function trimmed(value: string): string {
  return value.replace(/\0/g, '').trim();
}

function slotKey(slot: pkcs11js.Handle): string {
  return slot.toString('hex');
}

/**
 * The PKCS#11 side of the card layer: loads the configured module, reads slots, tokens, PIN state
 * and certificates, and signs with the authentication key. Runs only inside the card process.
 */
export class Pkcs11TokenAccess {
  private module: pkcs11js.PKCS11 | null = null;
  private moduleState: ModuleState;
  private failure: Record<string, string> | null = null;

  constructor(private readonly options: TokenAccessOptions) {
    this.moduleState = { path: options.modulePath, status: 'failed', manufacturer: null, description: null, version: null };
  }

  /** Loads the module and calls C_Initialize; reports 'missing' or 'failed' instead of throwing. */
  open(): ModuleState {
    if (this.module) return this.moduleState;
    const base = { path: this.options.modulePath, manufacturer: null, description: null, version: null };
    if (!existsSync(this.options.modulePath)) {
      this.moduleState = { ...base, status: 'missing' };
      return this.moduleState;
    }
    const module = new pkcs11js.PKCS11();
    this.failure = null;
    try {
      module.load(this.options.modulePath);
      module.C_Initialize();
      const info = module.C_GetInfo();
      this.module = module;
      this.moduleState = {
        ...base,
        status: 'loaded',
        manufacturer: trimmed(info.manufacturerID),
        description: trimmed(info.libraryDescription),
        version: `${info.libraryVersion.major}.${info.libraryVersion.minor}`,
      };
    } catch (error) {
      try {
        module.close();
      } catch {
        // The module never loaded: nothing to close.
      }
      this.moduleState = { ...base, status: 'failed' };
      this.failure = fromPkcs11Error(error).details;
      if (!this.failure.ckr) this.failure = { reason: error instanceof Error ? error.message.slice(0, 300) : 'unknown' };
    }
    return this.moduleState;
  }

  /** Why the last open() failed (the PKCS#11 name, or the loader's message), for the log. */
  get openFailure(): Record<string, string> | null {
    return this.moduleState.status === 'failed' ? this.failure : null;
  }

  /** C_Finalize and unload; the next open() starts from scratch (as "Läs in kortet på nytt" needs). */
  close(): void {
    const module = this.module;
    this.module = null;
    // No longer 'loaded': whoever reads the state next must open() again (issue 14).
    this.moduleState = { ...this.moduleState, status: 'failed' };
    if (!module) return;
    try {
      module.C_Finalize();
    } catch {
      // A module that fails to finalise is unloaded all the same.
    }
    try {
      module.close();
    } catch {
      // Already unloaded.
    }
  }

  get state(): ModuleState {
    return this.moduleState;
  }

  private require(): pkcs11js.PKCS11 {
    if (!this.module) {
      throw new CardError(this.moduleState.status === 'missing' ? 'pkcs11-module-missing' : 'pkcs11-module-failed');
    }
    return this.module;
  }

  /**
   * Every token present, with PIN state and parsed certificates. Each slot is read on its own: a slot
   * that fails (an unrecognised card, SoftHSM's spare slot) is reported in `slotErrors` and never
   * hides the tokens in the other slots. Throws only when the slot list itself cannot be had.
   */
  readSlots(skipSlot: (slotDescription: string) => boolean = () => false): SlotsRead {
    const module = this.require();
    let slots: pkcs11js.Handle[];
    try {
      slots = module.C_GetSlotList(true);
    } catch (error) {
      throw fromPkcs11Error(error);
    }
    const read: SlotsRead = { tokens: [], slotErrors: [] };
    for (const slot of slots) {
      let slotDescription = '';
      try {
        const slotInfo = module.C_GetSlotInfo(slot);
        slotDescription = trimmed(slotInfo.slotDescription);
        if ((slotInfo.flags & CKF_TOKEN_PRESENT) === 0) continue;
        // An ignored reader's card (Windows Hello, a TPM virtual smart card) is not read at all.
        if (skipSlot(slotDescription)) continue;
        read.tokens.push(this.readToken(module, slot, slotDescription));
      } catch (error) {
        const mapped = fromPkcs11Error(error);
        read.slotErrors.push({ slotId: slotKey(slot), slotDescription, error: { code: mapped.code, details: mapped.details } });
      }
    }
    return read;
  }

  private pinState(module: pkcs11js.PKCS11, slot: pkcs11js.Handle): PinState {
    const info = module.C_GetTokenInfo(slot);
    const locked = (info.flags & CKF_USER_PIN_LOCKED) !== 0;
    const finalTry = (info.flags & CKF_USER_PIN_FINAL_TRY) !== 0;
    return {
      minLength: info.minPinLen,
      maxLength: info.maxPinLen,
      countLow: (info.flags & CKF_USER_PIN_COUNT_LOW) !== 0,
      finalTry,
      locked,
      triesLeft: locked ? 0 : finalTry ? 1 : null,
      pinPad: (info.flags & CKF_PROTECTED_AUTHENTICATION_PATH) !== 0,
    };
  }

  private readToken(module: pkcs11js.PKCS11, slot: pkcs11js.Handle, slotDescription: string): TokenState {
    const info = module.C_GetTokenInfo(slot);
    const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      const certificates = this.findCertificates(module, session).map(({ der }) =>
        summariseCertificate(der, {
          now: this.options.now(),
          isTrusted: (certificate) => this.options.trustStore.isTrusted(certificate),
          ...(this.options.expiryWarningDays ? { expiryWarningDays: this.options.expiryWarningDays } : {}),
        }),
      );
      return {
        slotId: slotKey(slot),
        slotDescription,
        label: trimmed(info.label),
        manufacturer: trimmed(info.manufacturerID),
        model: trimmed(info.model),
        serialNumber: trimmed(info.serialNumber),
        pin: this.pinState(module, slot),
        certificates,
        authCertificate: certificates.find((certificate) => certificate.isAuthentication) ?? null,
      };
    } finally {
      module.C_CloseSession(session);
    }
  }

  private findCertificates(module: pkcs11js.PKCS11, session: pkcs11js.Handle): { der: Buffer; id: Buffer }[] {
    module.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
    ]);
    const handles: pkcs11js.Handle[] = [];
    try {
      for (;;) {
        const batch = module.C_FindObjects(session, 16);
        handles.push(...batch);
        if (batch.length < 16) break;
      }
    } finally {
      module.C_FindObjectsFinal(session);
    }
    return handles.map((handle) => {
      const [value, id] = module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }, { type: pkcs11js.CKA_ID }]);
      return { der: value!.value as Buffer, id: (id!.value as Buffer) ?? Buffer.alloc(0) };
    });
  }

  private slotById(module: pkcs11js.PKCS11, slotId: string): pkcs11js.Handle {
    const slot = module.C_GetSlotList(true).find((candidate) => slotKey(candidate) === slotId);
    if (!slot) throw new CardError('card-removed');
    return slot;
  }

  /** The slot of a token whose card still carries the certificate the user saw (else card-changed). */
  private slotWithCertificate(module: pkcs11js.PKCS11, slotId: string, certificateSha256: string): pkcs11js.Handle {
    const slot = this.slotById(module, slotId);
    const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      const found = this.findCertificates(module, session).some(
        ({ der }) => createHash('sha256').update(der).digest('hex') === certificateSha256,
      );
      if (!found) throw new CardError('card-changed');
    } finally {
      module.C_CloseSession(session);
    }
    return slot;
  }

  /** The PIN against the token's state before the card sees it: not locked, and of a length the token takes. */
  private checkPin(pin: PinState, value: string): void {
    if (pin.locked) throw new CardError('pin-locked', { triesLeft: '0' });
    if (!pin.pinPad && (value.length < pin.minLength || value.length > pin.maxLength)) {
      throw new CardError('pin-length', { minLength: String(pin.minLength), maxLength: String(pin.maxLength) });
    }
  }

  /**
   * The one user login (signing and PIN change): C_Login with the PIN (none on a PIN pad). A wrong PIN
   * is answered with the card's own count of tries left, or pin-locked where that was the last try.
   */
  private loginUser(
    module: pkcs11js.PKCS11,
    slot: pkcs11js.Handle,
    session: pkcs11js.Handle,
    pin: PinState,
    value: string,
  ): void {
    try {
      module.C_Login(session, pkcs11js.CKU_USER, pin.pinPad ? undefined : value);
    } catch (error) {
      const mapped = fromPkcs11Error(error);
      if (mapped.code !== 'pin-incorrect') throw mapped;
      const after = this.pinState(module, slot);
      if (after.locked) throw new CardError('pin-locked', { ...mapped.details, triesLeft: '0' });
      throw new CardError(
        'pin-incorrect',
        after.triesLeft === null ? mapped.details : { ...mapped.details, triesLeft: String(after.triesLeft) },
      );
    }
  }

  private checkNewPin(pin: PinState, newPin: string): void {
    if (pin.pinPad) return;
    if (newPin.length < pin.minLength || newPin.length > pin.maxLength) {
      throw new CardError('pin-length', { minLength: String(pin.minLength), maxLength: String(pin.maxLength), which: 'new' });
    }
  }

  /**
   * "Byt PIN-kod": C_Login with the current PIN, then C_SetPIN(current, new), in a read-write
   * session closed whatever happens. The new PIN's length is checked against the token's rules
   * before the card sees anything; neither PIN is kept.
   */
  changePin(request: { slotId: string; certificateSha256: string; oldPin: string; newPin: string }): void {
    const module = this.require();
    let session: pkcs11js.Handle | null = null;
    let loggedIn = false;
    try {
      const slot = this.slotWithCertificate(module, request.slotId, request.certificateSha256);
      const pin = this.pinState(module, slot);
      this.checkPin(pin, request.oldPin);
      this.checkNewPin(pin, request.newPin);
      session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      this.loginUser(module, slot, session, pin, request.oldPin);
      loggedIn = true;
      try {
        module.C_SetPIN(session, request.oldPin, request.newPin);
      } catch (error) {
        const mapped = fromPkcs11Error(error);
        // Logged in with the old PIN, so a refusal now is about the new one (format, history).
        if (mapped.code === 'pin-incorrect' || mapped.code === 'pin-length' || mapped.code === 'pkcs11-failed') {
          throw new CardError('pin-change-refused', mapped.details);
        }
        throw mapped;
      }
    } catch (error) {
      throw fromPkcs11Error(error);
    } finally {
      this.endSession(module, session, loggedIn);
    }
  }

  /**
   * "Lås upp PIN-kod med PUK": the unblock the middleware offers. First C_SetPIN(PUK, new PIN) in a
   * session nobody logged in to (OpenSC's PIV unblock, `set_pin_in_unlogged_session`); a middleware
   * that refuses that (CKR_FUNCTION_NOT_SUPPORTED) is asked the other standard way, C_Login as
   * security officer with the PUK and C_InitPIN. Only for a locked PIN: a middleware that takes the
   * unlogged C_SetPIN for a PIN change would otherwise spend a PIN try on the PUK. `pukBlocked`
   * comes from the card's own counter (PC/SC) and tells a blocked PUK from a refusing middleware,
   * which both answer CKR_PIN_LOCKED.
   */
  unblockPin(request: { slotId: string; certificateSha256: string; puk: string; newPin: string }): void {
    const module = this.require();
    let session: pkcs11js.Handle | null = null;
    let loggedIn = false;
    try {
      const slot = this.slotWithCertificate(module, request.slotId, request.certificateSha256);
      const pin = this.pinState(module, slot);
      if (!pin.locked) throw new CardError('pin-unblock-unavailable', { reason: 'pin-not-locked' });
      this.checkNewPin(pin, request.newPin);
      if (request.puk.length < 4 || request.puk.length > 16) throw new CardError('puk-incorrect', { reason: 'length' });
      session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      try {
        module.C_SetPIN(session, request.puk, request.newPin);
        return;
      } catch (error) {
        const mapped = fromPkcs11Error(error);
        if (mapped.details.ckr !== 'CKR_FUNCTION_NOT_SUPPORTED') throw unblockError(mapped);
      }
      try {
        module.C_Login(session, pkcs11js.CKU_SO, request.puk);
        loggedIn = true;
        module.C_InitPIN(session, request.newPin);
      } catch (error) {
        const mapped = fromPkcs11Error(error);
        const ckr = mapped.details.ckr;
        if (ckr === 'CKR_FUNCTION_NOT_SUPPORTED' || ckr === 'CKR_USER_TYPE_INVALID' || ckr === 'CKR_GENERAL_ERROR') {
          throw new CardError('pin-unblock-unavailable', mapped.details);
        }
        throw unblockError(mapped);
      }
    } catch (error) {
      throw fromPkcs11Error(error);
    } finally {
      this.endSession(module, session, loggedIn);
    }
  }

  private endSession(module: pkcs11js.PKCS11, session: pkcs11js.Handle | null, loggedIn: boolean): void {
    if (!session) return;
    if (loggedIn) {
      try {
        module.C_Logout(session);
      } catch {
        // The card may be gone; closing the session is what matters.
      }
    }
    try {
      module.C_CloseSession(session);
    } catch {
      // Already closed by a removed card.
    }
  }

  /**
   * Logs in with the PIN, signs with the authentication key, logs out and closes the session
   * whatever happens. The PIN length is checked before the card sees it; the PIN is never kept.
   */
  async sign(request: SignRequest): Promise<SignResult> {
    const module = this.require();
    let session: pkcs11js.Handle | null = null;
    let loggedIn = false;
    try {
      const slot = this.slotById(module, request.slotId);
      const pin = this.pinState(module, slot);
      this.checkPin(pin, request.pin);
      session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      const certificate = this.findCertificates(module, session).find(
        ({ der }) => createHash('sha256').update(der).digest('hex') === request.certificateSha256,
      );
      if (!certificate) throw new CardError('card-changed');
      const summary = summariseCertificate(certificate.der, { now: this.options.now(), isTrusted: () => false });
      if (!summary.isAuthentication) throw new CardError('certificate-missing');

      this.loginUser(module, slot, session, pin, request.pin);
      loggedIn = true;

      module.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: certificate.id },
      ]);
      const [key] = module.C_FindObjects(session, 1);
      module.C_FindObjectsFinal(session);
      if (!key) throw new CardError('certificate-missing', { reason: 'no-private-key' });

      const hash = createHash('sha256').update(request.data).digest();
      const isEc = summary.keyAlgorithm === 'ec';
      const input = isEc ? hash : Buffer.concat([SHA256_DIGEST_INFO, hash]);
      module.C_SignInit(session, { mechanism: isEc ? pkcs11js.CKM_ECDSA : pkcs11js.CKM_RSA_PKCS }, key);
      const signature = await module.C_SignAsync(session, input, Buffer.alloc(1024));
      return {
        algorithm: isEc ? 'ES256' : 'RS256',
        signature: new Uint8Array(signature),
        certificateDer: new Uint8Array(certificate.der),
      };
    } catch (error) {
      throw fromPkcs11Error(error);
    } finally {
      this.endSession(module, session, loggedIn);
    }
  }
}
