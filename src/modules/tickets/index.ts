/** The tickets module's public surface for other modules (channels, import, analytics). */
export * from './tickets.contract.ts';
export { createTicket, createTicketInTx, getTicket, loadTicketRow } from './tickets.service.ts';
export { addMessage, addMessageInTx, type MessageInput } from './messages.service.ts';
export { tickets, ticketMessages, ticketEvents } from './tickets.schema.ts';
export { updateTicket, updateTicketInTx } from './tickets.update.ts';
export { pickAssignee } from './routing.service.ts';
export { escalateInTx } from './escalation.service.ts';
export { slaCheckJobs } from './ticket-sla.ts';
export { reassignCustomer } from './customer-reassign.ts';
export { isSearchedKind, messagesParts, messagesVectorOf, ticketOwnText } from './ticket-text.ts';
