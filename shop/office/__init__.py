"""The provincial office's own screens under ``/office/``: the weekly work of civil servants
(producers, products, certificates, people, imports) on pages that call the same services
as the API. The office's orders and statements keep their pages in their domains; this
package is a page layer on top and no domain imports it."""
