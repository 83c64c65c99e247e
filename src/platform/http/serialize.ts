import type { FastifyReply, FastifySerializerCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** Response schemas whose bodies are assembled field by field by our own code (see plainResponse). */
const plain = new WeakSet<object>();

/**
 * Marks a response schema whose body the route builds itself, with exactly the schema's keys in the
 * schema's order (e.g. tickets.service toTicket): such a body is written with JSON.stringify alone. zod's
 * encode of every response re-checked and copied each field: for a page of 50 tickets that was more Node
 * time than the query. The route's tests compare its output with the zod encoding, so a field added to the
 * body but not to the schema (or the other way round) still fails there.
 */
export function plainResponse<T extends z.ZodType>(schema: T): T {
  plain.add(schema);
  return schema;
}

type Compiler = FastifySerializerCompiler<unknown>;

export const responseSerializerCompiler: Compiler = (route) => {
  if (typeof route.schema === 'object' && route.schema !== null && plain.has(route.schema)) return (data: unknown) => JSON.stringify(data);
  return (serializerCompiler as Compiler)(route);
};

/**
 * Sends a body already written as JSON text (e.g. a page PostgreSQL built, tickets ticket-list.ts), as is.
 * The route keeps its response schema for the API description; its tests parse the text with it.
 */
export function replyJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}
