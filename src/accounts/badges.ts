import type { Role } from '../db/schema.ts';

export interface Badge {
  role: Role;
  label: string;
}

// Roles that show as a badge beside a name, in this order. Member and admin are not shown:
// every account is a member, and admin is an operator's role, not a voice in the community.
const BADGES: readonly Badge[] = [
  { role: 'employee', label: 'Employee' },
  { role: 'moderator', label: 'Moderator' },
  { role: 'community_manager', label: 'Community Manager' },
];

export function badgesFor(roles: readonly Role[] | undefined): Badge[] {
  if (!roles || roles.length === 0) return [];
  return BADGES.filter((b) => roles.includes(b.role));
}
