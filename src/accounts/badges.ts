import type { Role } from '../db/schema.ts';
import type { T } from '../i18n/index.ts';

export interface Badge {
  role: Role;
  label: string;
  /** What the role means, for readers who meet the badge (profiles, the team page, its tooltip). */
  explanation: string;
  /** The catalogue keys of the label and the explanation (issue 18): pages show them in the reader's language. */
  labelKey: string;
  explanationKey: string;
}

// Roles that show as a badge beside a name, in this order. Member and admin are not shown:
// every account is a member, and admin is an operator's role, not a voice in the community.
// The English label and explanation stay here for the API (its badge names are an enum) and logs.
const BADGES: readonly Badge[] = [
  { role: 'employee', label: 'Employee', explanation: 'Works for the company behind this community, checked through a company e-mail address or the company sign-in. Answers from an Employee are the company speaking.', labelKey: 'community:badges.employee', explanationKey: 'community:badges.employeeExplanation' },
  { role: 'moderator', label: 'Moderator', explanation: 'Keeps conversations friendly and on topic: reviews reported posts and held drafts, and can hide, move or lock threads.', labelKey: 'community:badges.moderator', explanationKey: 'community:badges.moderatorExplanation' },
  { role: 'community_manager', label: 'Community Manager', explanation: 'Runs this community for the company: sets its rules and the confidentiality guard, and leads the moderators.', labelKey: 'community:badges.communityManager', explanationKey: 'community:badges.communityManagerExplanation' },
];

const NONE: readonly Badge[] = Object.freeze([]);

/** A person's badges from a list of every badge: worked out once per role list. Pages show the
 * same people's badges over and over (a topic page asks for each post's author); author cards
 * keep one role list per person while cached. */
function badgeFinder(all: readonly Badge[]): (roles: readonly Role[] | undefined) => readonly Badge[] {
  const known = new WeakMap<readonly Role[], readonly Badge[]>();
  return (roles) => {
    if (!roles || roles.length === 0) return NONE;
    let badges = known.get(roles);
    if (!badges) known.set(roles, (badges = Object.freeze(all.filter((b) => roles.includes(b.role)))));
    return badges;
  };
}

/** A person's badges, in English (the API). */
export const badgesFor = badgeFinder(BADGES);

/** Every badge, in order, with what it means (the team page explains them all). */
export const ALL_BADGES: readonly Badge[] = BADGES;

/** Every badge with its label and explanation in one language (`t` of that language). */
export const allBadgesIn = (t: T): readonly Badge[] => Object.freeze(BADGES.map((b) => Object.freeze({ ...b, label: t(b.labelKey), explanation: t(b.explanationKey) })));

/** `badgesFor` in one language: made once per language (src/web/view-helpers.ts). */
export const badgesIn = (t: T): ((roles: readonly Role[] | undefined) => readonly Badge[]) => badgeFinder(allBadgesIn(t));
