import { enumObject } from '../../../common/src/graphql-enum';
import { registerEnumType } from 'type-graphql';
import {
  AFTER_INACTIVE_PHASES,
  NEGATIVE_BALANCE_SERVICE_CLASSES,
  PAYMENT_METHODS,
  TOP_UP_CHANNEL_KINDS,
  TOP_UP_VALIDITY_EFFECTS,
  ZERO_RATED_SERVICES,
} from '../../../common/src/policy/policy-document';


export const TopUpChannelKindEnum = enumObject(TOP_UP_CHANNEL_KINDS);
registerEnumType(TopUpChannelKindEnum, {
  name: 'TopUpChannelKind',
  description: 'A way to top up credit.',
  valuesConfig: {
    VOUCHER: { description: 'Voucher code dialled as *103*<code>#; works the same from abroad.' },
    APP_WEB: { description: 'The brand\'s app or website.' },
    BANK_TRANSFER: { description: 'Bank transfer to the brand.' },
    AUTOMATIC: { description: 'Automatic top-up below a threshold or on a fixed day of the month; runs while abroad.' },
    WHATSAPP: { description: 'WhatsApp message with the amount; answered with a payment link. Only 15, 25 or 50 EUR.' },
    TOP_UP_NUMBER: { description: 'Calling a top-up number; may not work from abroad.' },
  },
});

export const PaymentMethodEnum = enumObject(PAYMENT_METHODS);
registerEnumType(PaymentMethodEnum, {
  name: 'PaymentMethod',
  description: 'How a top-up is paid.',
  valuesConfig: {
    PAYPAL: { description: 'PayPal.' },
    SOFORTUEBERWEISUNG: { description: 'Sofortüberweisung (instant bank transfer).' },
    VISA: { description: 'Visa card.' },
    MASTERCARD: { description: 'Mastercard.' },
    SEPA_DIRECT_DEBIT: { description: 'SEPA direct debit.' },
  },
});

export const NegativeBalanceServiceClassEnum = enumObject(NEGATIVE_BALANCE_SERVICE_CLASSES);
registerEnumType(NegativeBalanceServiceClassEnum, {
  name: 'NegativeBalanceServiceClass',
  description: 'Service classes whose late-billed charges may push a balance below zero (BGH III ZR 33/14), where the brand\'s terms say so.',
  valuesConfig: {
    ROAMING: { description: 'Roaming charges billed late by a foreign network.' },
    PREMIUM: { description: 'Premium services.' },
    VALUE_ADDED: { description: 'Value-added services over voice or data.' },
  },
});

export const ZeroRatedServiceEnum = enumObject(ZERO_RATED_SERVICES);
registerEnumType(ZeroRatedServiceEnum, {
  name: 'ZeroRatedService',
  description: 'A service that is free and keeps working at zero balance.',
  valuesConfig: { WHATSAPP_MESSAGES: { description: 'WhatsApp text messages.' } },
});

export const TopUpValidityEffectEnum = enumObject(TOP_UP_VALIDITY_EFFECTS);
registerEnumType(TopUpValidityEffectEnum, {
  name: 'TopUpValidityEffect',
  description: 'How a top-up moves the end of the validity.',
  valuesConfig: {
    RESTART: { description: 'The validity runs the tier\'s months from the top-up (never shortening a longer one).' },
    EXTEND: { description: 'The tier\'s months are added to the current end, or to the top-up date once the end has passed.' },
  },
});

export const AfterInactivePhaseEnum = enumObject(AFTER_INACTIVE_PHASES);
registerEnumType(AfterInactivePhaseEnum, {
  name: 'PhaseAfterInactive',
  description: 'What follows the inactive phase after the validity ended.',
  valuesConfig: {
    DEACTIVATED: { description: 'The SIM is switched off; credit is kept and can be paid out.' },
    TERMINATED: { description: 'The contract ends; remaining credit is paid out on request.' },
  },
});

export { AccountStatusEnum } from '../../../common/src/account-status.enum';
