// TokenfetchError: the one error class of the package, and how the engine's errors become one.

/** Every error tokenfetch throws or rejects with. */
export class TokenfetchError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "TokenfetchError";
    this.code = code;
  }

  /** Always true; works across realms, unlike `instanceof`. */
  get isTokenfetchError() {
    return true;
  }

  /** A plain object for logs and `JSON.stringify` (no response body, no config secrets). */
  toJSON() {
    return { name: this.name, code: this.code, message: this.message, status: this.status };
  }
}

/** True for errors made by tokenfetch (also from another realm or copy of the package). */
export function isTokenfetchError(value) {
  return typeof value === "object" && value !== null && value.isTokenfetchError === true;
}

/** `ERR_BAD_OPTION` naming the option. */
export function badOption(name, why) {
  return new TokenfetchError(`option \`${name}\` ${why}`, "ERR_BAD_OPTION");
}

/**
 * The engine reports errors as `[code, message, status]`; anything else (a value a callback
 * threw, already a TokenfetchError) passes through unchanged.
 */
export function fromEngine(value, config) {
  if (!Array.isArray(value)) return value;
  const error = new TokenfetchError(value[1], value[0]);
  if (value[2] !== undefined) error.status = value[2];
  if (config !== undefined) error.config = config;
  return error;
}

/** Call into the engine, turning what it throws into a TokenfetchError. */
export function engineCall(f) {
  try {
    return f();
  } catch (e) {
    throw fromEngine(e);
  }
}
