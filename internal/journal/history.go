package journal

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"
)

// Run is one row of the run history.
type Run struct {
	ID      string    `json:"run"`
	Title   string    `json:"title"`
	File    string    `json:"file"`
	Seed    uint64    `json:"seed"`
	Status  string    `json:"status"`
	Reason  string    `json:"reason,omitempty"`
	Journal string    `json:"journal"`
	Time    time.Time `json:"t"`
}

// History is the SQLite table of past runs (STATE/experiments/history.db):
// one row per run, so continuous mode can be queried over weeks.
type History struct{ db *sql.DB }

const historySchema = `CREATE TABLE IF NOT EXISTS runs (
	id TEXT PRIMARY KEY, title TEXT NOT NULL, file TEXT NOT NULL, seed TEXT NOT NULL,
	status TEXT NOT NULL, reason TEXT NOT NULL, journal TEXT NOT NULL, t TEXT NOT NULL)`

// OpenHistory opens (creating it when missing) the history database.
func OpenHistory(path string) (*History, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(historySchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	return &History{db: db}, nil
}

// Add records a run (replacing a row with the same id).
func (h *History) Add(ctx context.Context, r Run) error {
	// The seed is a uint64: stored as text, SQLite integers are signed.
	_, err := h.db.ExecContext(ctx, `INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?)`,
		r.ID, r.Title, r.File, fmt.Sprint(r.Seed), r.Status, r.Reason, r.Journal, r.Time.UTC().Format(time.RFC3339Nano))
	return err
}

// List returns the runs, oldest first; limit > 0 keeps the newest limit.
func (h *History) List(ctx context.Context, limit int) ([]Run, error) {
	q := `SELECT id, title, file, seed, status, reason, journal, t FROM runs ORDER BY t, id`
	if limit > 0 {
		q = fmt.Sprintf(`SELECT * FROM (SELECT id, title, file, seed, status, reason, journal, t FROM runs ORDER BY t DESC, id DESC LIMIT %d) ORDER BY t, id`, limit)
	}
	rows, err := h.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var seed, t string
		if err := rows.Scan(&r.ID, &r.Title, &r.File, &seed, &r.Status, &r.Reason, &r.Journal, &t); err != nil {
			return nil, err
		}
		fmt.Sscan(seed, &r.Seed)
		r.Time, _ = time.Parse(time.RFC3339Nano, t)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Close closes the database.
func (h *History) Close() error { return h.db.Close() }
