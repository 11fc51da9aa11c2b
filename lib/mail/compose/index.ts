// Writing mail: the composer's input and sending it through the user's own SMTP server.
export { composeSchema, parseAddressList, type ComposedMessage } from './compose-schema';
export { findSentFolder, sendMail, senderOf, type SendMailResult } from './send';
