// runOnRequirements: a file or test runs when at least one requirement object holds.
import type { MongoClient } from 'mongodb';

import { matches } from './matcher';
import type { Doc, RunOnRequirement } from './types';

export interface ServerInfo {
  version: string;
  /** single | replicaset | sharded | load-balanced */
  topology: string;
  serverless: boolean;
  auth: boolean;
  /** getParameter: '*' result; empty when the server does not answer it */
  parameters: Doc;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length, 3); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const topologyNames: Record<string, string> = {
  single: 'a standalone server',
  replicaset: 'a replica set',
  sharded: 'a sharded cluster',
  'sharded-replicaset': 'a sharded cluster of replica sets',
  'load-balanced': 'a load-balanced cluster',
};

function topologyWords(topologies: string[]): string {
  return topologies.map((t) => topologyNames[t] ?? t).join(' or ');
}

/** null when the requirement holds, otherwise why not (one line). */
export function unmetRequirement(req: RunOnRequirement, server: ServerInfo): string | null {
  if (req.minServerVersion && compareVersions(server.version, req.minServerVersion) < 0) {
    return `needs server >= ${req.minServerVersion} (have ${server.version})`;
  }
  if (req.maxServerVersion && compareVersions(server.version, req.maxServerVersion) > 0) {
    return `needs server <= ${req.maxServerVersion} (have ${server.version})`;
  }
  if (req.topologies) {
    // A sharded cluster whose shards are replica sets is also "sharded-replicaset"; a
    // replica set never satisfies "sharded".
    const accepted = new Set(req.topologies);
    if (!accepted.has(server.topology)) return `needs ${topologyWords(req.topologies)} (have ${server.topology})`;
  }
  if (req.serverless === 'require' && !server.serverless) return 'needs serverless';
  if (req.serverless === 'forbid' && server.serverless) return 'must not run on serverless';
  if (req.auth !== undefined && req.auth !== server.auth) return req.auth ? 'needs authentication' : 'needs no authentication';
  if (req.authMechanism) return `needs auth mechanism ${req.authMechanism}`;
  if (req.csfle !== undefined && req.csfle !== false) return 'needs client-side field level encryption';
  if (req.serverParameters) {
    for (const [name, value] of Object.entries(req.serverParameters)) {
      if (!(name in server.parameters) || !matches(value, server.parameters[name])) {
        return `needs server parameter ${name}=${JSON.stringify(value)}`;
      }
    }
  }
  return null;
}

export function requirementHolds(req: RunOnRequirement, server: ServerInfo): boolean {
  return unmetRequirement(req, server) === null;
}

/** null when any of the requirements holds (or there are none), otherwise the first reason. */
export function unmetRequirements(reqs: RunOnRequirement[] | undefined, server: ServerInfo): string | null {
  if (!reqs || reqs.length === 0) return null;
  const reasons = reqs.map((r) => unmetRequirement(r, server));
  return reasons.includes(null) ? null : (reasons[0] as string);
}

/** Learn what the runOnRequirements checks need from the deployment, through the internal client. */
export async function describeServer(client: MongoClient, uri: string): Promise<ServerInfo> {
  const admin = client.db('admin');
  const buildInfo = await admin.command({ buildInfo: 1 });
  const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
  let topology = 'single';
  if (hello.msg === 'isdbgrid') topology = 'sharded';
  else if (hello.setName) topology = 'replicaset';
  if (hello.serviceId) topology = 'load-balanced';
  let parameters: Doc = {};
  try {
    parameters = await admin.command({ getParameter: '*' });
  } catch {
    // Servers (or emulators) without getParameter simply satisfy no serverParameters requirement.
  }
  const auth = /^mongodb(\+srv)?:\/\/[^@/]+@/.test(uri);
  return { version: String(buildInfo.version), topology, serverless: false, auth, parameters };
}
