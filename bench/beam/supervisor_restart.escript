#!/usr/bin/env escript
%% The BEAM baseline of Solo's supervision bench: a one_for_one supervisor restarts its permanent child after
%% the child is killed, N times. Prints one line: the samples in nanoseconds (kill -> new child registered),
%% comma-separated. Run by bench/suites/supervision.ts as `escript supervisor_restart.escript N`.
-module(supervisor_restart).
-behaviour(supervisor).
-mode(compile).
-export([main/1, init/1, start_child/0, child_loop/0]).

main([Arg]) ->
    %% Crash reports would be formatted and printed on every restart: that is logging, not supervision.
    logger:set_primary_config(level, none),
    N = list_to_integer(Arg),
    {ok, Sup} = supervisor:start_link({local, bench_sup}, ?MODULE, []),
    unlink(Sup),
    _ = [one() || _ <- lists:seq(1, 200)],
    Samples = [one() || _ <- lists:seq(1, N)],
    io:format("~s~n", [lists:join(",", [integer_to_list(S) || S <- Samples])]).

one() ->
    Old = whereis(bench_child),
    T0 = erlang:monotonic_time(nanosecond),
    exit(Old, kill),
    wait_new(Old),
    erlang:monotonic_time(nanosecond) - T0.

wait_new(Old) ->
    case whereis(bench_child) of
        P when is_pid(P), P =/= Old -> ok;
        _ -> erlang:yield(), wait_new(Old)
    end.

init([]) ->
    Flags = #{strategy => one_for_one, intensity => 1000000000, period => 1},
    Child = #{id => child, start => {?MODULE, start_child, []}, restart => permanent},
    {ok, {Flags, [Child]}}.

start_child() ->
    Pid = spawn_link(fun ?MODULE:child_loop/0),
    register(bench_child, Pid),
    {ok, Pid}.

child_loop() ->
    receive _ -> child_loop() end.
