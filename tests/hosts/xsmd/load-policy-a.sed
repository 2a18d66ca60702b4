# Load policy A (the built-in policy plus): domU_t may gettsc on xsmd_load_t,
# and settsc while xsmd_load_b; guests may ask FLASK_ACCESS and
# CONTEXT_TO_SID.  Policy B differs only in the two domain2 permissions.
/^role system_r types domain_type;$/i type xsmd_load_t;\nrole system_r types xsmd_load_t;\nbool xsmd_load_b true;\nallow domU_t security_t:security { compute_av check_context };\nallow domU_t xsmd_load_t:domain2 gettsc;\nif (xsmd_load_b) {\n\tallow domU_t xsmd_load_t:domain2 settsc;\n}
