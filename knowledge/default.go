package knowledge

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// Each file is read by the core that parses it, into that core's one
	// buffer: parsing keeps none of it.
	docs, err := parseEach(len(paths), func(i int, buf *bytes.Buffer) (string, []byte, error) {
		f, err := os.Open(paths[i])
		if err != nil {
			return "", nil, fmt.Errorf("read report: %w", err)
		}
		defer f.Close()
		buf.Reset()
		if _, err := buf.ReadFrom(f); err != nil {
			return "", nil, fmt.Errorf("read report: %w", err)
		}
		return paths[i], buf.Bytes(), nil
	})
	if err != nil {
		return nil, err
	}
	if err := distinct(docs); err != nil {
		return nil, err
	}
	return docs, nil
}

// distinct refuses two reports of one government or department and year
// (one file loaded twice under two names, or two versions of one report):
// a question would find each figure twice, and which is meant could never
// be told. Reports that name no place or year are told apart by title.
// The error names both files.
func distinct(docs []*Document) error {
	seen := map[[3]string]*Document{}
	for _, d := range docs {
		k := [3]string{d.Meta.Place + d.Meta.Department, strconv.Itoa(d.Meta.Year), ""}
		if d.Meta.Place == "" || d.Meta.Year == 0 {
			k[2] = d.Meta.Title
		}
		if first, ok := seen[k]; ok {
			if first.Meta.Title == d.Meta.Title {
				return fmt.Errorf("%s and %s are the same report (《%s》); load one of them", first.Meta.File, d.Meta.File, d.Meta.Title)
			}
			return fmt.Errorf("%s (《%s》) and %s (《%s》) are both reports of %s%s for %d; load one of them", first.Meta.File, first.Meta.Title,
				d.Meta.File, d.Meta.Title, d.Meta.Place, d.Meta.Department, d.Meta.Year)
		}
		seen[k] = d
	}
	return nil
}

// ParseAll parses many reports at once, on every core, and returns them in
// order; name gives the i-th report's file name. It returns the error of
// the first report, in order, that does not parse, and no documents.
func ParseAll(data [][]byte, name func(i int) string) ([]*Document, error) {
	return parseEach(len(data), func(i int, _ *bytes.Buffer) (string, []byte, error) { return name(i), data[i], nil })
}

// parseEach parses n reports on every core, each as read gives it (into
// the core's buffer, when it needs one), and returns them in order, or the
// error of the first, in order, that cannot be read or parsed.
func parseEach(n int, read func(i int, buf *bytes.Buffer) (name string, data []byte, err error)) ([]*Document, error) {
	docs := make([]*Document, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			var buf bytes.Buffer
			for i := range next {
				name, data, err := read(i, &buf)
				if err != nil {
					errs[i] = err
					continue
				}
				docs[i], errs[i] = Parse(name, data)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first file's in the order given
		}
	}
	return docs, nil
}

// reportExts are the file names a folder's reports have.
var reportExts = []string{".txt", ".md", ".markdown", ".html", ".htm"}

// ReportFiles lists the report files of a folder, by name: every .txt,
// .md and .html file in it. A folder with none is an error, since serving
// no report is never what was meant.
func ReportFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read the reports folder: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if slices.Contains(reportExts, strings.ToLower(filepath.Ext(e.Name()))) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the reports folder %s has no .txt, .md or .html file", dir)
	}
	return out, nil
}
