/** The MongoDB version the emulator claims: 7.0 (wire version 21). buildInfo and hello agree. */
export const SERVER_VERSION = '7.0.14';
export const MAX_WIRE_VERSION = 21;
