package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"text/tabwriter"
	"time"
)

// Output file names, in the -out folder.
const (
	csvName   = "pool-sweep.csv"
	jsonName  = "pool-sweep.json"
	chartName = "pool-sweep.png"
)

// columns are the CSV header; the terminal table shows the same values
// in the same order under the short titles of tableTitles.
var columns = []string{
	"workload", "pool", "pool_size", "max_overflow", "concurrency", "pool_timeout",
	"ops_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "wait_p50_ms", "wait_p99_ms", "fifo_wait_p99_ms",
	"timeouts", "errors", "conns_opened", "conns_closed", "max_conns", "conns_counted_by",
	"client_cpu_us_per_op", "rounds", "interrupted",
}

var tableTitles = []string{
	"WORKLOAD", "POOL", "SIZE", "OVERFLOW", "CONC", "TIMEOUT",
	"OPS/S", "P50MS", "P95MS", "P99MS", "MAXMS", "WAIT50MS", "WAIT99MS", "FIFO99MS",
	"TIMEOUTS", "ERRORS", "OPENED", "CLOSED", "MAXCONNS", "COUNTED",
	"CPUUS/OP", "ROUNDS", "INTERRUPTED",
}

// fields returns a result's values as the CSV and the table print them.
func (r result) fields() []string {
	f3 := func(d time.Duration) string { return strconv.FormatFloat(msf(d), 'f', 3, 64) }
	itoa := strconv.Itoa
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []string{
		r.Workload, r.Pool, itoa(r.PoolSize), itoa(r.MaxOverflow), itoa(r.Concurrency), formatTimeout(r.PoolTimeout),
		strconv.FormatFloat(r.Throughput, 'f', 0, 64), f3(r.P50), f3(r.P95), f3(r.P99), f3(r.Max), f3(r.WaitP50), f3(r.WaitP99), f3(r.FIFOWaitP99),
		i64(r.Timeouts), i64(r.Errors), i64(r.Opened), i64(r.Closed), itoa(r.MaxConns), r.CountedBy,
		strconv.FormatFloat(float64(r.CPUPerOp)/float64(time.Microsecond), 'f', 1, 64), itoa(r.Rounds), strconv.FormatBool(r.Interrupted),
	}
}

// writeTable prints the results as an aligned table, then any error
// messages seen and notes on what the columns mean.
func writeTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	writeRow(tw, tableTitles)
	for _, r := range results {
		writeRow(tw, r.fields())
	}
	tw.Flush()
	for _, r := range results {
		for _, e := range r.ErrorSample {
			fmt.Fprintf(w, "error in %s %s: %s\n", r.label(), r.Pool, e)
		}
		if r.ConnsErr != "" {
			fmt.Fprintf(w, "could not count the connections of %s %s: %s\n", r.label(), r.Pool, r.ConnsErr)
		}
	}
}

func writeRow(w io.Writer, fields []string) {
	for _, f := range fields {
		fmt.Fprint(w, f, "\t")
	}
	fmt.Fprintln(w)
}

// writeCSV writes the header and one record per result.
func writeCSV(path string, results []result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.Write(columns)
	for _, r := range results {
		cw.Write(r.fields())
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// report is the JSON document: the settings, every result with full
// precision, and the recommendation.
type report struct {
	Tool            string               `json:"tool"`
	Started         time.Time            `json:"started"`
	GoVersion       string               `json:"go_version"`
	CPUs            int                  `json:"cpus"`
	URL             string               `json:"url"` // password masked
	Dialect         string               `json:"dialect"`
	Settings        reportSettings       `json:"settings"`
	Interrupted     bool                 `json:"interrupted"`
	Results         []jsonResult         `json:"results"`
	Recommendation  string               `json:"recommendation"`
	Recommendations []jsonRecommendation `json:"recommendations"`
}

type reportSettings struct {
	Workloads    []string `json:"workloads"`
	Pools        []string `json:"pools"`
	PoolSizes    []int    `json:"pool_sizes"`
	MaxOverflows []int    `json:"max_overflows"`
	Concurrency  []int    `json:"concurrency"`
	PoolTimeouts []string `json:"pool_timeouts"`
	DurationMS   float64  `json:"duration_ms"`
	WarmupMS     float64  `json:"warmup_ms"`
	ThinkMS      float64  `json:"think_ms"`
	HoldMS       float64  `json:"hold_ms"`
	Rows         int      `json:"rows"`
	Repeat       int      `json:"repeat"`
	P99TargetMS  float64  `json:"p99_target_ms"`
}

type jsonResult struct {
	Workload       string    `json:"workload"`
	Pool           string    `json:"pool"`
	PoolSize       int       `json:"pool_size"`
	MaxOverflow    int       `json:"max_overflow"`
	Concurrency    int       `json:"concurrency"`
	PoolTimeout    string    `json:"pool_timeout"`
	Rounds         int       `json:"rounds"`
	MeasuredMS     float64   `json:"measured_ms"`
	Ops            int64     `json:"ops"`
	OpsPerS        float64   `json:"ops_per_s"`
	RoundOpsPerS   []float64 `json:"round_ops_per_s"`
	RoundP99MS     []float64 `json:"round_p99_ms"`
	RoundWaitP99MS []float64 `json:"round_wait_p99_ms"`
	RoundFIFOP99MS []float64 `json:"round_fifo_wait_p99_ms"`
	P50MS          float64   `json:"p50_ms"`
	P95MS          float64   `json:"p95_ms"`
	P99MS          float64   `json:"p99_ms"`
	MaxMS          float64   `json:"max_ms"`
	WaitP50MS      float64   `json:"wait_p50_ms"`
	WaitP99MS      float64   `json:"wait_p99_ms"`
	FIFOWaitP99MS  float64   `json:"fifo_wait_p99_ms"`
	Timeouts       int64     `json:"timeouts"`
	Errors         int64     `json:"errors"`
	ErrorSamples   []string  `json:"error_samples,omitempty"`
	ConnsOpened    int64     `json:"conns_opened"`
	ConnsClosed    int64     `json:"conns_closed"`
	MaxConns       int       `json:"max_conns"`
	ConnsCountedBy string    `json:"conns_counted_by"`
	ConnsError     string    `json:"conns_error,omitempty"`
	ClientCPUUS    float64   `json:"client_cpu_us_per_op"`
	CreateMeanMS   float64   `json:"create_mean_ms,omitempty"` // alchemy: mean db.client.connection.create_time
	UseMeanMS      float64   `json:"use_mean_ms,omitempty"`    // alchemy: mean db.client.connection.use_time
	Interrupted    bool      `json:"interrupted"`
}

type jsonRecommendation struct {
	Workload    string `json:"workload"`
	Concurrency int    `json:"concurrency"`
	Pool        string `json:"pool"`
	PoolSize    int    `json:"pool_size,omitempty"` // 0: nothing qualified
	MaxOverflow int    `json:"max_overflow"`
	PoolTimeout string `json:"pool_timeout,omitempty"`
}

func toJSONResult(r result) jsonResult {
	msList := func(ds []time.Duration) []float64 {
		out := make([]float64, len(ds))
		for i, d := range ds {
			out[i] = msf(d)
		}
		return out
	}
	return jsonResult{
		RoundP99MS: msList(r.RoundP99), RoundWaitP99MS: msList(r.RoundWait99), RoundFIFOP99MS: msList(r.RoundFIFO99),
		Workload: r.Workload, Pool: r.Pool, PoolSize: r.PoolSize, MaxOverflow: r.MaxOverflow,
		Concurrency: r.Concurrency, PoolTimeout: formatTimeout(r.PoolTimeout), Rounds: r.Rounds,
		MeasuredMS: msf(r.Measured), Ops: r.Ops, OpsPerS: r.Throughput, RoundOpsPerS: r.RoundOps,
		P50MS: msf(r.P50), P95MS: msf(r.P95), P99MS: msf(r.P99), MaxMS: msf(r.Max),
		WaitP50MS: msf(r.WaitP50), WaitP99MS: msf(r.WaitP99), FIFOWaitP99MS: msf(r.FIFOWaitP99),
		Timeouts: r.Timeouts, Errors: r.Errors, ErrorSamples: r.ErrorSample,
		ConnsOpened: r.Opened, ConnsClosed: r.Closed, MaxConns: r.MaxConns,
		ConnsCountedBy: r.CountedBy, ConnsError: r.ConnsErr, Interrupted: r.Interrupted,
		ClientCPUUS:  float64(r.CPUPerOp) / float64(time.Microsecond),
		CreateMeanMS: msf(r.CreateMean), UseMeanMS: msf(r.UseMean),
	}
}

func newReport(c *config, started time.Time, url, dialect string, pools []string, results []result, recs []recommendation, interrupted bool) report {
	rep := report{
		Tool: "alchemy-bench", Started: started, GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		URL: url, Dialect: dialect, Interrupted: interrupted,
		Settings: reportSettings{
			Workloads: c.Workloads, Pools: pools, PoolSizes: c.PoolSizes, MaxOverflows: c.MaxOverflows,
			Concurrency: c.Concurrency, DurationMS: msf(c.Duration), WarmupMS: msf(c.Warmup),
			ThinkMS: msf(c.Think), HoldMS: msf(c.Hold), Rows: c.Rows, Repeat: c.Repeat, P99TargetMS: msf(c.P99Target),
		},
		Results:        []jsonResult{},
		Recommendation: recommendationText(recs, c.P99Target),
	}
	for _, t := range c.PoolTimeouts {
		rep.Settings.PoolTimeouts = append(rep.Settings.PoolTimeouts, formatTimeout(t))
	}
	for _, r := range results {
		rep.Results = append(rep.Results, toJSONResult(r))
	}
	for _, r := range recs {
		j := jsonRecommendation{Workload: r.Workload, Concurrency: r.Concurrency, Pool: r.Pool}
		if r.Pick != nil {
			j.PoolSize, j.MaxOverflow, j.PoolTimeout = r.Pick.PoolSize, r.Pick.MaxOverflow, formatTimeout(r.Pick.PoolTimeout)
		}
		rep.Recommendations = append(rep.Recommendations, j)
	}
	return rep
}

func writeJSON(path string, rep report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeFiles writes the CSV, the JSON and the chart into dir and returns
// their paths.
func writeFiles(dir string, rep report, results []result) ([]string, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // say where the files went: go -C bench runs the tool in bench/
	}
	paths := []string{filepath.Join(dir, csvName), filepath.Join(dir, jsonName), filepath.Join(dir, chartName)}
	if err := writeCSV(paths[0], results); err != nil {
		return nil, fmt.Errorf("write the CSV: %w", err)
	}
	if err := writeJSON(paths[1], rep); err != nil {
		return nil, fmt.Errorf("write the JSON: %w", err)
	}
	if err := writeChart(paths[2], results); err != nil {
		return nil, fmt.Errorf("draw the chart: %w", err)
	}
	return paths, nil
}
