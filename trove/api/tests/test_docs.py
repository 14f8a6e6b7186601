from trove.api.tests.helpers import ApiTestCase


class DocumentTests(ApiTestCase):
    def test_the_openapi_document_declares_every_error(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertIn("/api/v1/intakes", schema["paths"])
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                responses = set(operation["responses"])
                self.assertTrue({"401", "429"} <= responses, f"{method} {path}: {responses}")
                if operation.get("parameters") or operation.get("requestBody"):
                    self.assertIn("400", responses, f"{method} {path}")
                if method != "get" and "{" in path:
                    self.assertIn("404", responses, f"{method} {path}")
        self.assertIn("Error", schema["components"]["schemas"])

    def test_the_documentation_page_lists_the_operations_without_scripts(self):
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "/api/v1/cases/{code}")
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, "cdn")
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
