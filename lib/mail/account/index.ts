// A user's mailbox account: finding its servers (built-in provider table, autodetection), verifying
// a login, storing it with encrypted passwords, and rotating the encryption key.
export {
  accountCredentials,
  deleteMailAccount,
  getMailAccount,
  saveMailAccount,
  toAccountView,
  type MailAccountSettings,
  type MailAccountView,
  type MailServerSettings,
} from './accounts';
export { defaultAutodetectDeps, detectMailSettings, parseEmailAddress, type AutodetectDeps, type DetectedSettings } from './autodetect';
export {
  accountFormValues,
  connectManually,
  connectWithAutodetect,
  ManualSettingsError,
  type ConnectOutcome,
  type ManualConnectInput,
  type ManualFormValues,
  type ServerProblem,
} from './connect';
export { buildProviderTable, isActiveIspdbFileName, serializeProviderTable, type IspdbFile, type ProviderHelp } from './ispdb';
export { mailKeyring, passwordAad } from './keyring';
export { reencryptMailPasswords, type RotationReport } from './rotate-keys';
export { verifyImap, verifySmtp, type ImapVerification, type SmtpVerification } from './verify';
