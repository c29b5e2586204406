package io.lakemirror.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.graveler.GravelerFile;
import io.lakemirror.graveler.GravelerFileType;
import io.lakemirror.graveler.inspect.CommitJson;
import io.lakemirror.graveler.inspect.InspectionJson;
import io.lakemirror.graveler.inspect.TableInspector;
import io.lakemirror.graveler.inspect.TableSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graveler inspect} and {@code graveler commit-id}: look inside lakeFS metadata files and recompute IDs. */
@Command(name = "graveler", description = "Inspect lakeFS range and metarange files and compute lakeFS IDs.",
        subcommands = {GravelerCommand.Inspect.class, GravelerCommand.CommitIdCommand.class})
final class GravelerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "inspect", description = {
        "Print one JSON object describing an SSTable: properties, record count, first and last key, index type,"
            + " and for lakeFS ranges and metaranges the ID lakeFS names the file by, plus warnings about"
            + " properties or identities that do not match the records.",
        "With --records, then print one JSON line per record."})
    static final class Inspect implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--records", description = "Also print every record: the decoded entry (ranges) or range"
                + " (metaranges).")
        boolean records;

        @Option(names = "--raw", description = "Print records as hex key and value instead of decoding them"
                + " (always so for tables that are not lakeFS files).")
        boolean raw;

        @Parameters(paramLabel = "FILE", description = "A local SSTable, e.g. a copy of <namespace>/_lakefs/<id>.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                ByteSource source = ByteSource.of(file);
                TableSummary summary = TableInspector.summarize(source);
                out.println(InspectionJson.line(InspectionJson.summary(summary)));
                if (records) {
                    printRecords(GravelerFile.open(source), out);
                }
            } catch (UncheckedIOException e) {
                throw new InvalidInputException(e.getMessage() + "; nothing was inspected", e);
            } finally {
                out.flush();
            }
            return 0;
        }

        private void printRecords(GravelerFile graveler, PrintWriter out) {
            if (raw || graveler.type().isEmpty()) {
                print(graveler.table().iterator(), InspectionJson::raw, out);
            } else if (graveler.type().get() == GravelerFileType.RANGES) {
                print(graveler.entries(), InspectionJson::entry, out);
            } else {
                print(graveler.ranges(), InspectionJson::range, out);
            }
        }

        private static <T> void print(Iterator<T> records, Function<T, ObjectNode> json,
                                      PrintWriter out) {
            while (records.hasNext()) {
                out.println(InspectionJson.line(json.apply(records.next())));
            }
        }
    }

    @Command(name = "commit-id", description = {
        "Read a commit record as JSON on standard input and print the commit ID lakeFS computes for it.",
        "Fields: committer, message, metarange_id (or meta_range_id), creation_date (Unix seconds), metadata,"
            + " parents; other fields are ignored."})
    static final class CommitIdCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String json;
            try {
                json = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new InvalidInputException("cannot read standard input: " + e.getMessage(), e);
            }
            spec.commandLine().getOut().println(CommitJson.parse(json).commitId());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
