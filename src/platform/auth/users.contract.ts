import { z } from 'zod';
import { Locale } from '../i18n/i18n.contract.ts';
import { Role } from './roles.contract.ts';
import { Password } from './auth.contract.ts';

export const User = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  roles: z.array(Role),
  locale: Locale.nullable(),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

export const UserListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(100).optional(),
  role: Role.optional(),
  active: z.enum(['true', 'false']).optional(),
});
export type UserListQuery = z.infer<typeof UserListQuery>;

export const CreateUser = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().max(40).optional(),
  roles: z.array(Role).min(1),
  locale: Locale.nullable().optional(),
  /** omitted → a one-time password is generated, returned once, and must be changed at first sign-in */
  password: Password.optional(),
});
export type CreateUser = z.infer<typeof CreateUser>;

export const UserCreated = z.object({ user: User, temporaryPassword: z.string().nullable() });

export const UpdateUser = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(100).optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  roles: z.array(Role).min(1).optional(),
  locale: Locale.nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateUser = z.infer<typeof UpdateUser>;

export const ResetPassword = z.strictObject({ password: Password.optional() });
export const PasswordReset = z.object({ temporaryPassword: z.string().nullable() });
