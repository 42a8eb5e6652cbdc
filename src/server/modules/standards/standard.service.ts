import { AppError } from '../../../shared/errors';
import type { Database } from '../../db/client';
import type { Actor } from '../auth/actor';
import {
  countTree,
  findStandardInOrganization,
  listIndicatorsOfStandard,
  listItemsOfStandard,
  listStandards,
} from './standard.repository';
import { assembleIndicatorTree } from './standard.rules';
import type { Standard } from './standard.table';

async function summarize(db: Database, standard: Standard) {
  const counts = await countTree(db, standard.id);
  return {
    id: standard.id,
    title: standard.title,
    version: standard.version,
    depth: standard.depth,
    level1Count: counts.level1,
    level2Count: counts.level2,
    itemCount: counts.items,
    createdAt: standard.createdAt.toISOString(),
  };
}

export function createStandardService({ db }: { db: Database }) {
  return {
    async list(actor: Actor) {
      const standards = await listStandards(db, actor.organizationId);
      return Promise.all(standards.map((standard) => summarize(db, standard)));
    },

    async get(actor: Actor, standardId: string) {
      const standard = await findStandardInOrganization(db, actor.organizationId, standardId);
      if (!standard) throw new AppError('standard.not_found');
      const [summary, allIndicators, allItems] = await Promise.all([
        summarize(db, standard),
        listIndicatorsOfStandard(db, standard.id),
        listItemsOfStandard(db, standard.id),
      ]);
      const indicators = assembleIndicatorTree(allIndicators, allItems, (item) => ({
        id: item.id,
        no: item.no,
        content: item.content,
        focus: item.focus,
        leader: item.leader,
        extra: item.extra,
      }));
      return { ...summary, indicators };
    },
  };
}

export type StandardService = ReturnType<typeof createStandardService>;
