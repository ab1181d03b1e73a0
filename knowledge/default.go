package knowledge

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
)

//go:embed reports/*.txt
var defaultReports embed.FS

// Default parses the reports embedded in the binary: the knowledge the bot
// serves when no report file is named.
func Default() ([]*Document, error) {
	names, err := fs.Glob(defaultReports, "reports/*.txt")
	if err != nil {
		return nil, fmt.Errorf("list embedded reports: %w", err)
	}
	var docs []*Document
	for _, n := range names {
		data, err := defaultReports.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("read embedded report %s: %w", n, err)
		}
		doc, err := Parse(n, data)
		if err != nil {
			return nil, fmt.Errorf("embedded report: %w", err)
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// LoadFiles parses the report files at paths. It loads all of them or none:
// the first file that cannot be read or parsed stops it with an error naming
// that file.
func LoadFiles(paths []string) ([]*Document, error) {
	docs := make([]*Document, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read report: %w", err)
		}
		doc, err := Parse(p, data)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
