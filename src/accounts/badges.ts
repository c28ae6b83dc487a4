import type { Role } from '../db/schema.ts';

export interface Badge {
  role: Role;
  label: string;
  /** What the role means, for readers who meet the badge (profiles, the team page, its tooltip). */
  explanation: string;
}

// Roles that show as a badge beside a name, in this order. Member and admin are not shown:
// every account is a member, and admin is an operator's role, not a voice in the community.
const BADGES: readonly Badge[] = [
  { role: 'employee', label: 'Employee', explanation: 'Works for the company behind this community, checked through a company e-mail address or the company sign-in. Answers from an Employee are the company speaking.' },
  { role: 'moderator', label: 'Moderator', explanation: 'Keeps conversations friendly and on topic: reviews reported posts and held drafts, and can hide, move or lock threads.' },
  { role: 'community_manager', label: 'Community Manager', explanation: 'Runs this community for the company: sets its rules and the confidentiality guard, and leads the moderators.' },
];

const NONE: readonly Badge[] = Object.freeze([]);
// Pages show the same people's badges over and over (a topic page asks for each post's author):
// worked out once per role list. Author cards keep one role list per person while cached.
const known = new WeakMap<readonly Role[], readonly Badge[]>();

export function badgesFor(roles: readonly Role[] | undefined): readonly Badge[] {
  if (!roles || roles.length === 0) return NONE;
  let badges = known.get(roles);
  if (!badges) known.set(roles, (badges = Object.freeze(BADGES.filter((b) => roles.includes(b.role)))));
  return badges;
}

/** Every badge, in order, with what it means (the team page explains them all). */
export const ALL_BADGES: readonly Badge[] = BADGES;
