# Warnings on for every tilesim target; -Werror when TILESIM_WERROR (CI).
function(tilesim_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${TILESIM_WERROR}>>:-Werror>)
endfunction()
