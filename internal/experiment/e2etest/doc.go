// Package e2etest runs `chaoslab run`, `recover` and `report` end to end
// against real twins (server processes under a supervisor).
package e2etest
