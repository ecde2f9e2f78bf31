import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, relative, resolve, sep } from "node:path";
import { REPORT_FILE_NAMES } from "@scenario/events";
import { ConfigurationError } from "@scenario/spec";
import type { CliIO } from "./cli-io";
import { configOutputDir, loadProjectConfig } from "./load-project-config";
import { createModuleLoader } from "./module-loader";

/** The flags of `scenario report`. */
export interface ReportOptions {
  /** The report folder. @default the config's outputDir, else "scenario-reports" */
  dir?: string | undefined;
  /** The port; 0 picks a free one. */
  port: number;
  /** The config file whose outputDir is served when no folder is given. */
  config?: string | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wav": "audio/wav",
};

/**
 * Serves the files of a report folder, `index.html` at `/`. Only files inside the folder are
 * served; anything else is a 404.
 */
export function createReportServer(root: string): Server {
  return createServer(async (request, response) => {
    try {
      const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
      const file = resolve(
        root,
        `.${pathname.endsWith("/") ? `${pathname}${REPORT_FILE_NAMES.html}` : pathname}`,
      );
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside the report folder");
      if (!(await stat(file)).isFile()) throw new Error("not a file");
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      response.end("Not found\n");
    }
  });
}

/**
 * `scenario report`: serves the HTML report on 127.0.0.1, prints its URL and keeps serving until
 * Ctrl-C (or SIGTERM). Resolves with 0 once the server is closed.
 */
export async function reportCommand(options: ReportOptions, io: CliIO): Promise<number> {
  const root = await reportFolder(options, io);
  if (!existsSync(resolve(root, REPORT_FILE_NAMES.html))) {
    throw new ConfigurationError(
      `No HTML report in ${relative(io.cwd, root) || root} (${REPORT_FILE_NAMES.html} is missing). Run \`scenario run\` with the html reporter first, or pass the report folder: scenario report <dir>.`,
    );
  }
  const server = createReportServer(root);
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigurationError(
              `Port ${options.port} is in use. Pick another with --port, or --port 0 for a free one.`,
            )
          : error,
      ),
    );
    server.listen(options.port, "127.0.0.1", () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  io.stdout.write(`Serving the Scenario report at http://127.0.0.1:${port}/ (Ctrl-C to stop)\n`);
  await new Promise<void>((resolvePromise) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      server.closeAllConnections();
      server.close(() => resolvePromise());
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}

/** The folder to serve: the one given, else where `scenario run` writes with the same config. */
async function reportFolder(options: ReportOptions, io: CliIO): Promise<string> {
  if (options.dir !== undefined) return resolve(io.cwd, options.dir);
  return configOutputDir(
    await loadProjectConfig({ cwd: io.cwd, configPath: options.config, load: createModuleLoader() }),
  );
}
