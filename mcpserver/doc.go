// Package mcpserver serves the reports to AI assistants over the Model
// Context Protocol: read-only tools that answer a question, search the
// fact table, read a section and list the reports, each result carrying
// the report's own quoted words, over stdio (a desktop client starts
// `reportbot mcp`) or streamable HTTP (/mcp of serve). It is an adapter of
// its own: the same answers as the chat, through another door.
package mcpserver
