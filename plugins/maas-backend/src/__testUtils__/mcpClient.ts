/* An MCP client of a test backend's /api/mcp-actions/v1, signed in as one user, keeping every answer it got. */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import type { TestBackendServer } from './startMaasBackend';

/** A tool's answer: its text, whether it is an error, and the action's output when it is not. */
export interface ToolAnswer {
  text: string;
  isError: boolean;
  output?: any;
}

/**
 * Connects an MCP client (the SDK's, over Streamable HTTP, as an AI agent's) to the backend's MCP
 * server with `user`'s Backstage token. `transcript` holds every answer serialized, to search it.
 */
export const mcpClientAs = (server: TestBackendServer, user: string) =>
  mcpClientWith(server, mockCredentials.user.header(user));

/** The same with any `Authorization` header, e.g. a service's token. */
export async function mcpClientWith(
  server: TestBackendServer,
  authorization: string,
) {
  const { port } = server.address() as AddressInfo;
  const client = new Client({ name: 'maas-test-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://localhost:${port}/api/mcp-actions/v1`),
      {
        requestInit: {
          headers: { Authorization: authorization },
        },
      },
    ),
  );
  const transcript: string[] = [];
  return {
    transcript,
    async toolNames(): Promise<string[]> {
      const { tools } = await client.listTools();
      transcript.push(JSON.stringify(tools));
      return tools.map(t => t.name);
    },
    async call(name: string, args: object = {}): Promise<ToolAnswer> {
      const result = await client.callTool({
        name,
        arguments: args as Record<string, unknown>,
      });
      transcript.push(JSON.stringify(result));
      const content = result.content as Array<{ type: string; text?: string }>;
      const text = content.map(c => c.text ?? '').join('\n');
      return {
        text,
        isError: result.isError === true,
        output: result.isError ? undefined : result.structuredContent,
      };
    },
    close: () => client.close(),
  };
}

export type McpTestClient = Awaited<ReturnType<typeof mcpClientWith>>;
