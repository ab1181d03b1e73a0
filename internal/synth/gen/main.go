package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"reportbot/internal/synth"
)

func main() {
	n := flag.Int("n", 100, "how many reports")
	years := flag.Int("years", 1, "years of each place: n/years places, each with reports of its last years up to 2023")
	out := flag.String("out", "", "folder to write them to")
	seed := flag.String("seed", "knowledge/reports/fenyi-2023-rule-of-law-report.txt", "the report to vary")
	flag.Parse()
	if *out == "" {
		log.Fatal("gen: -out FOLDER is required")
	}
	text, err := os.ReadFile(*seed)
	if err != nil {
		log.Fatalf("gen: %v", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatalf("gen: %v", err)
	}
	if *years < 1 {
		log.Fatal("gen: -years must be 1 or more")
	}
	for i := range *n {
		place, year := synth.Place(i / *years), 2023-i%*years
		r := synth.Report(string(text), place, year, 0.5+float64(i%10)/10)
		if err := os.WriteFile(filepath.Join(*out, fmt.Sprintf("r%04d.txt", i)), []byte(r), 0o644); err != nil {
			log.Fatalf("gen: %v", err)
		}
	}
}
