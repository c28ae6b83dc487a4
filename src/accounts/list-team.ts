// "About the team" (issue 18): the people behind the badges — the community team (community
// managers and moderators) and the employees — so that a reader knows who answers for the company.
import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';

export interface TeamMember {
  id: number;
  username: string;
  display_name: string;
  avatar: string | null;
  bio: string;
  roles: Role[];
}

export async function listTeam(db: Kysely<DB>): Promise<{ communityTeam: TeamMember[]; employees: TeamMember[] }> {
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.avatar', 'users.bio', 'user_roles.role'])
    .where('user_roles.role', 'in', ['employee', 'moderator', 'community_manager'])
    .where('users.deleted_at', 'is', null)
    .orderBy('users.display_name')
    .execute();
  const people = new Map<number, TeamMember>();
  for (const r of rows) {
    const p = people.get(r.id) ?? { id: r.id, username: r.username, display_name: r.display_name, avatar: r.avatar, bio: r.bio, roles: [] };
    p.roles.push(r.role);
    people.set(r.id, p);
  }
  const all = [...people.values()];
  const inTeam = (p: TeamMember) => p.roles.includes('community_manager') || p.roles.includes('moderator');
  return { communityTeam: all.filter(inTeam), employees: all.filter((p) => !inTeam(p)) };
}
