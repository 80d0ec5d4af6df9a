package io.qimencallback.server.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.AsyncQimenHandler;
import io.qimencallback.protocol.handler.Execution;
import io.qimencallback.protocol.handler.HandlerRegistry;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetType;
import io.qimencallback.server.target.Targets;
import io.qimencallback.server.testing.Handlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private static final List<String> PUSHES = List.of(Routes.DEFAULT_INBOX_METHODS.split(","));

    /** An HTTP-like target that can answer, and a queue-like one that cannot. */
    private static final TargetType FAKE = new TargetType() {
        @Override
        public String type() {
            return "fake";
        }

        @Override
        public Target create(Section section, TargetEnvironment environment) {
            boolean answers = section.getBoolean("answers", false);
            return new Target() {
                @Override
                public String name() {
                    return section.name();
                }

                @Override
                public String type() {
                    return "fake";
                }

                @Override
                public String describe() {
                    return "fake://" + section.name();
                }

                @Override
                public AsyncQimenHandler forwarder() {
                    return !answers ? null : new AsyncQimenHandler() {
                        @Override
                        public Set<String> methods() {
                            return Set.of();
                        }

                        @Override
                        public CompletableFuture<QimenResponse> handleAsync(io.qimencallback.protocol.QimenRequest r) {
                            return CompletableFuture.completedFuture(QimenResponse.success());
                        }
                    };
                }

                @Override
                public String deliver(InboxDelivery delivery) {
                    return "nowhere";
                }

                @Override
                public void close() {
                }
            };
        }
    };

    private static Targets targets() {
        return Targets.open(List.of(Section.of("targets", "erp", Map.of("type", "fake", "answers", "true"), Map.of()),
                        Section.of("targets", "queue", Map.of("type", "fake"), Map.of())),
                new TargetEnvironment(new SimpleMeterRegistry(), Duration.ofSeconds(1)), List.of(FAKE));
    }

    /** An inbox handler claiming one method, delivering nowhere. */
    private static InboxHandler consumerOf(String method) {
        return new InboxHandler() {
            @Override
            public Set<String> methods() {
                return Set.of(method);
            }

            @Override
            public void deliver(InboxDelivery delivery) {
            }
        };
    }

    private static List<RouteRule> rules(String... lines) {
        return java.util.stream.IntStream.range(0, lines.length).mapToObj(i -> {
            String[] kv = lines[i].split(": ", 2);
            return RouteRule.parse("routes[" + (i + 1) + "] (test.yml)", kv[0], kv[1]);
        }).toList();
    }

    @Test
    void byDefaultPushesAreStoredAndQueriesRefused() {
        Routes r = Routes.of(HandlerRegistry.empty(), true, PUSHES);
        assertThat(r.route("deliveryorder.create")).isInstanceOf(Route.Inbox.class);
        assertThat(r.route("deliveryorder.batchcreate")).isInstanceOf(Route.Inbox.class);
        assertThat(r.route("stockchange.report")).isInstanceOf(Route.Inbox.class);
        assertThat(r.route("singleitem.synchronize")).isInstanceOf(Route.Inbox.class);
        for (String query : List.of("inventory.query", "crm.order.detail.get", "wdt.wms.stockout.sales.querywithdetail")) {
            assertThat(r.route(query)).isInstanceOfSatisfying(Route.None.class,
                    n -> assertThat(n.message()).contains("no handler answers method " + query));
        }
    }

    @Test
    void handlersComeFirstThenTheTableInOrderThenTheInbox() {
        HandlerRegistry handlers = HandlerRegistry.builder()
                .add(Handlers.of("entryorder.create", Execution.NON_BLOCKING, req -> QimenResponse.success())).build();
        Routes r = Routes.of(handlers, true, PUSHES, rules("inventory.query: forward erp", "*.create: inbox queue",
                "wdt.*: refuse"), targets());
        assertThat(r.route("entryorder.create")).isInstanceOfSatisfying(Route.Handler.class,
                h -> assertThat(h.target()).isNull());
        assertThat(r.route("inventory.query")).isInstanceOfSatisfying(Route.Handler.class, h -> {
            assertThat(h.target().name()).isEqualTo("erp");
            assertThat(h.execution()).isEqualTo(Execution.ASYNC);
            assertThat(h.metricTag()).isEqualTo("inventory.query");
        });
        assertThat(r.route("deliveryorder.create")).isInstanceOfSatisfying(Route.Inbox.class, i -> {
            assertThat(i.target().name()).isEqualTo("queue");
            assertThat(i.metricTag()).isEqualTo("deliveryorder.create"); // a standard API keeps its label
        });
        assertThat(r.route("made.up.create")).isInstanceOfSatisfying(Route.Inbox.class,
                i -> assertThat(i.metricTag()).isEqualTo(Routes.OTHER));
        assertThat(r.route("wdt.anything")).isInstanceOf(Route.None.class);
        assertThat(r.route("order.cancel")).isInstanceOfSatisfying(Route.Inbox.class, i -> assertThat(i.target()).isNull());
        assertThat(r.describe()).containsSubsequence(
                "entryorder.create: handler " + handlers.find("entryorder.create").get().getClass().getName(),
                "inventory.query: forward erp (fake fake://erp)   # routes[1] (test.yml)",
                "*.create: inbox queue (fake fake://queue)   # routes[2] (test.yml)",
                "wdt.*: refuse   # routes[3] (test.yml)",
                Routes.DEFAULT_INBOX_METHODS + ": inbox   # inbox_methods",
                "*: refuse (invalid-method)");
    }

    @Test
    void theRouteLabelSaysWhereACallWentFromWordsAndConfiguredTargetsOnly() {
        InboxHandler consumer = consumerOf("stockout.create");
        HandlerRegistry handlers = HandlerRegistry.builder().add(consumer)
                .add(Handlers.of("entryorder.create", Execution.NON_BLOCKING, req -> QimenResponse.success())).build();
        Routes r = Routes.of(handlers, true, PUSHES, rules("inventory.*: forward erp", "deliveryorder.create: inbox queue",
                "wdt.*: refuse"), targets());
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("entryorder.create", "handler");
        expected.put("inventory.query", "forward:erp");        // a standard API under a glob, remembered
        expected.put("inventory.made.up", "forward:erp");      // any name under the glob: the same label
        expected.put("deliveryorder.create", "inbox:queue");
        expected.put("stockout.create", "inbox");              // an inbox handler's
        expected.put("made.up.create", "inbox");               // inbox_methods: for the inbox API
        expected.put("wdt.anything", "refuse");
        expected.put("made.up.query", "none");
        expected.forEach((method, tag) -> assertThat(r.route(method).routeTag()).as(method).isEqualTo(tag));
        assertThat(Route.NOT_ROUTED).isEqualTo("-");
    }

    @Test
    void aMisconfiguredTableStopsTheStartNamingTheLine() {
        HandlerRegistry none = HandlerRegistry.empty();
        assertThatThrownBy(() -> Routes.of(none, true, PUSHES, rules("a.query: forward nowhere"), targets()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[1] (test.yml)")
                .hasMessageContaining("unknown target 'nowhere'");
        assertThatThrownBy(() -> Routes.of(none, true, PUSHES, rules("a.query: forward queue"), targets()))
                .hasMessageContaining("routes[1]").hasMessageContaining("cannot answer calls");
        assertThatThrownBy(() -> Routes.of(none, true, PUSHES, rules("*.query: refuse", "inventory.query: forward erp"),
                targets())).hasMessageContaining("routes[2]").hasMessageContaining("never reached")
                .hasMessageContaining("routes[1]");
        assertThatThrownBy(() -> Routes.of(none, true, PUSHES, rules("*: refuse", "*.create: inbox"), targets()))
                .hasMessageContaining("routes[2]").hasMessageContaining("never reached");
        assertThatThrownBy(() -> Routes.of(none, false, PUSHES, rules("*.create: inbox"), targets()))
                .hasMessageContaining("routes[1]").hasMessageContaining("inbox is off");
        HandlerRegistry handled = HandlerRegistry.builder()
                .add(Handlers.of("inventory.query", req -> QimenResponse.success())).build();
        assertThatThrownBy(() -> Routes.of(handled, true, PUSHES, rules("taobao.qimen.inventory.query: forward erp"),
                targets())).hasMessageContaining("routes[1]").hasMessageContaining("never reached")
                .hasMessageContaining("answers inventory.query");
        // globs that overlap without covering each other are fine
        Routes.of(none, true, PUSHES, rules("deliveryorder.*: forward erp", "*.create: inbox queue"), targets());
    }

    @Test
    void inboxHandlersClaimTheirMethodsBeforeTheTable() {
        InboxHandler consumer = consumerOf("stockout.create");
        Routes r = Routes.of(HandlerRegistry.builder().add(consumer).build(), true, PUSHES,
                rules("*.create: inbox queue"), targets());
        assertThat(r.route("stockout.create")).isInstanceOfSatisfying(Route.Inbox.class,
                i -> assertThat(i.target()).isNull());
        assertThat(r.route("entryorder.create")).isInstanceOfSatisfying(Route.Inbox.class,
                i -> assertThat(i.target().name()).isEqualTo("queue"));
    }

    @Test
    void globsAreTrimmedAndLowerCasedAlsoWhenTheyStartWithAStar() {
        Routes r = Routes.of(HandlerRegistry.empty(), true, List.of(" *.Report ", "*.WDT.Push"),
                rules("*.Create: inbox queue", " Taobao.Qimen.Inventory.* : forward erp"), targets());
        assertThat(r.route("deliveryorder.create")).isInstanceOfSatisfying(Route.Inbox.class,
                i -> assertThat(i.target().name()).isEqualTo("queue"));
        assertThat(r.route("inventory.query")).isInstanceOfSatisfying(Route.Handler.class,
                h -> assertThat(h.target().name()).isEqualTo("erp"));
        // inbox_methods: the same rule
        assertThat(r.route("stockchange.report")).isInstanceOfSatisfying(Route.Inbox.class,
                i -> assertThat(i.target()).isNull());
        // a leading * keeps the rest as written: the .wdt. marker is not cut there
        assertThat(r.route("x.wdt.push")).isInstanceOf(Route.Inbox.class);
        assertThat(r.route("stockout.confirm")).isInstanceOf(Route.None.class);
        // now that the case is normalized, a later line that an upper-case * line covers is seen as unreachable
        assertThatThrownBy(() -> Routes.of(HandlerRegistry.empty(), true, PUSHES,
                rules("*.Create: refuse", "deliveryorder.create: inbox queue"), targets()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[2]")
                .hasMessageContaining("never reached");
    }
}
