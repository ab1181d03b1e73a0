// Command reportbot answers citizens' questions about a government report
// with the report's exact figures and the sections they come from.
//
// Usage:
//
//	reportbot ask [--json] [--report FILE]... QUESTION
//	reportbot chat [--json] [--report FILE]...   (one question a line on stdin)
//	reportbot sections [--report FILE]...
//	reportbot eval [--set FILE] [--report FILE]...
//	reportbot mcp [--report FILE]...            (MCP tools on stdin/stdout)
package main
