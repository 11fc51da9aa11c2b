// Safe for the browser: the composer form checks addresses as they are typed with the same rules
// the server validates with.
export { parseAddressList } from './compose-schema';
