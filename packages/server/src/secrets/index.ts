export { createSecretBox, isSecretError, keyIdOf, KEY_BYTES, SecretError, type SecretBox, type SecretErrorCode } from './secret-box.js';
export { defaultKeyFile, loadSecretKeys, openSecretBox, parseSecretKey, type SecretKeys, type SecretKeySettings } from './key-source.js';
