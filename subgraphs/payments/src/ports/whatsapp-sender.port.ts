/** Outbound WhatsApp messages; the development adapter keeps them in the conversation log. */
export interface WhatsAppSenderPort {
  send(toMsisdn: string, text: string, orderId: string | null): Promise<void>;
}
