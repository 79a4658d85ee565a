/**
 * The regulator's copies of detection rules: submit a new rule or a new version of one (YAML,
 * vetted by the parser and the rule's own test events before anything is stored), read a rule's
 * versions, roll back (a new version with an earlier content) and disable or enable. The rule set
 * is the regulator's to oversee, so only the regulator changes it; the SOC and the auditor read.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from './response-routes.helpers.js';
import type { RuleCatalog } from './rule-versions.js';
import * as S from './rule-versions.schema.js';

const tags = ['monitor'];
const READERS = ['soc', 'auditor', 'regulator'] as const;

export function ruleVersionRoutes(catalog: RuleCatalog): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/monitor/rules',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary:
            'Add a rule (YAML): parsed, checked against the others and run on its own test events before it is stored as version 1',
          body: S.CreateBody,
          response: { 201: S.RuleDetail },
        },
      },
      async (request, reply) => {
        const made = await catalog.create(
          request.body.content,
          request.body.reason,
          staffOf(request),
        );
        reply.status(201).header('location', `/v1/monitor/rules/${made.id}`);
        return made;
      },
    );

    app.get(
      '/v1/monitor/rules/:ruleId',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'One rule: its version in force, where it comes from, and its YAML',
          params: S.RuleIdParams,
          response: { 200: S.RuleDetail },
        },
      },
      async (request) => catalog.get(request.params.ruleId),
    );

    app.post(
      '/v1/monitor/rules/:ruleId/versions',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary:
            'Store a new version of a rule (YAML): in force on every instance within a second, once it passes its own test events',
          params: S.RuleIdParams,
          body: S.VersionBody,
          response: { 201: S.RuleDetail },
        },
      },
      async (request, reply) => {
        const { content, reason, baseVersion } = request.body;
        const saved = await catalog.update(
          request.params.ruleId,
          content,
          reason,
          staffOf(request),
          baseVersion,
        );
        reply
          .status(201)
          .header('location', `/v1/monitor/rules/${saved.id}/versions/${saved.version}`);
        return saved;
      },
    );

    app.get(
      '/v1/monitor/rules/:ruleId/versions',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: "A rule's versions, oldest first: who, when, why and the content hash",
          params: S.RuleIdParams,
          response: { 200: S.VersionList },
        },
      },
      async (request) => ({ items: await catalog.versions(request.params.ruleId) }),
    );

    app.get(
      '/v1/monitor/rules/:ruleId/versions/:version',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'One version of a rule with its YAML (0: the shipped file)',
          params: S.VersionParams,
          response: { 200: S.VersionWithContent },
        },
      },
      async (request) => catalog.version(request.params.ruleId, request.params.version),
    );

    app.post(
      '/v1/monitor/rules/:ruleId/rollback',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary:
            'Roll a rule back: a new version with the content of an earlier one (0: the shipped file), vetted again',
          params: S.RuleIdParams,
          body: S.RollbackBody,
          response: { 201: S.RuleDetail },
        },
      },
      async (request, reply) => {
        const { version, reason, baseVersion } = request.body;
        const saved = await catalog.rollback(
          request.params.ruleId,
          version,
          reason,
          staffOf(request),
          baseVersion,
        );
        reply
          .status(201)
          .header('location', `/v1/monitor/rules/${saved.id}/versions/${saved.version}`);
        return saved;
      },
    );

    app.put(
      '/v1/monitor/rules/:ruleId/enabled',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary:
            'Disable or enable a rule (a rule another rule counts cannot be disabled first); the same state again records nothing',
          params: S.RuleIdParams,
          body: S.EnabledBody,
          response: { 200: S.RuleDetail },
        },
      },
      async (request) =>
        catalog.setEnabled(
          request.params.ruleId,
          request.body.enabled,
          request.body.reason,
          staffOf(request),
        ),
    );
  };
}
